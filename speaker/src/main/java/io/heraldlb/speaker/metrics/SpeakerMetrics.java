package io.heraldlb.speaker.metrics;

import io.heraldlb.speaker.election.NoWinnerReason;
import io.heraldlb.speaker.responder.DropReason;
import io.heraldlb.speaker.transport.ResponderCounters;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** Every metric the speaker exports, all prefixed {@code heraldlb_}. */
public final class SpeakerMetrics {
  private final Counter requests;
  private final Counter replies;
  private final Counter sendErrors;
  private final Counter gratuitous;
  private final Counter drops;
  private final Counter conflicts;
  private final Counter membershipRefused;
  private final Counter failovers;
  private final Gauge announced;
  private final Gauge unannounced;
  private final Gauge members;
  private final Gauge quorum;
  private final Gauge configStale;

  private final PrometheusRegistry registry;

  public SpeakerMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    requests =
        counter(
            registry,
            "heraldlb_requests_received",
            "ARP requests and neighbor solicitations for addresses announced here",
            "protocol",
            "interface");
    replies =
        counter(
            registry,
            "heraldlb_replies_sent",
            "ARP replies and neighbor advertisements sent",
            "protocol",
            "interface");
    sendErrors =
        counter(registry, "heraldlb_send_errors", "Frames that could not be sent", "interface");
    gratuitous =
        counter(
            registry,
            "heraldlb_gratuitous_sent",
            "Gratuitous ARP and unsolicited NA frames sent",
            "protocol",
            "interface");
    drops =
        counter(
            registry,
            "heraldlb_frames_dropped",
            "Captured frames not answered, by reason",
            "reason");
    conflicts =
        counter(
            registry,
            "heraldlb_ip_conflicts",
            "Another MAC claimed an address this node announces");
    failovers =
        counter(
            registry, "heraldlb_failovers", "Addresses this node took over from another speaker");
    membershipRefused =
        counter(
            registry,
            "heraldlb_membership_refused",
            "Peers turned away from the speaker group, by reason",
            "reason");
    announced =
        Gauge.builder()
            .name("heraldlb_announced")
            .help("1 for each address this node announces")
            .labelNames("ip", "service", "node")
            .register(registry);
    unannounced =
        Gauge.builder()
            .name("heraldlb_unannounced_ips")
            .help("Addresses no node may announce, by the rule that removed the last candidate")
            .labelNames("reason")
            .register(registry);
    members =
        Gauge.builder()
            .name("heraldlb_group_members")
            .help("Live speakers in the group")
            .register(registry);
    quorum =
        Gauge.builder()
            .name("heraldlb_group_quorum")
            .help(
                "1 while the group holds at least half of the listed speakers; 0 in a minority,"
                    + " which announces nothing")
            .register(registry);
    quorum.set(1);
    configStale =
        Gauge.builder()
            .name("heraldlb_config_stale")
            .help("1 while the pool ConfigMap is invalid and the last good one is used")
            .register(registry);
    for (NoWinnerReason r : NoWinnerReason.values()) {
      unannounced.labelValues(r.name().toLowerCase(java.util.Locale.ROOT)).set(0);
    }
  }

  private static Counter counter(PrometheusRegistry r, String name, String help, String... labels) {
    // No exemplars: there is no tracing to link to, and sampling them is work on every frame.
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .withoutExemplars()
        .register(r);
  }

  /** Frames the kernel dropped before a capture thread read them, as {@code drops} counts them. */
  public void captureOverflows(LongSupplier drops) {
    CounterWithCallback.builder()
        .name("heraldlb_capture_overflows")
        .help("ARP/NDP frames the kernel dropped because a capture did not read them in time")
        .callback(cb -> cb.call(drops.getAsLong()))
        .register(registry);
  }

  /** Interfaces selected for capture that could not be opened (also on /readyz). */
  public void interfaceOpenFailures(IntSupplier failures) {
    GaugeWithCallback.builder()
        .name("heraldlb_interface_open_failures")
        .help("Interfaces selected for ARP/NDP capture that could not be opened")
        .callback(cb -> cb.call(failures.getAsInt()))
        .register(registry);
  }

  /** Counters for one interface's capture thread, resolved once so counting is cheap. */
  public ResponderCounters forInterface(String name) {
    CounterDataPoint arpIn = requests.labelValues("arp", name);
    CounterDataPoint ndpIn = requests.labelValues("ndp", name);
    CounterDataPoint arpOut = replies.labelValues("arp", name);
    CounterDataPoint ndpOut = replies.labelValues("ndp", name);
    CounterDataPoint failed = sendErrors.labelValues(name);
    CounterDataPoint[] dropped = new CounterDataPoint[DropReason.values().length];
    for (DropReason r : DropReason.values()) {
      dropped[r.ordinal()] = drops.labelValues(r.name().toLowerCase(java.util.Locale.ROOT));
    }
    return new ResponderCounters() {
      @Override
      public void requestReceived(boolean ndp) {
        (ndp ? ndpIn : arpIn).inc();
      }

      @Override
      public void replySent(boolean ndp) {
        (ndp ? ndpOut : arpOut).inc();
      }

      @Override
      public void sendFailed() {
        failed.inc();
      }

      @Override
      public void dropped(DropReason reason) {
        dropped[reason.ordinal()].inc();
      }
    };
  }

  public void gratuitousSent(String interfaceName, boolean ndp) {
    gratuitous.labelValues(ndp ? "ndp" : "arp", interfaceName).inc();
  }

  public void conflict() {
    conflicts.inc();
  }

  public void membershipRefused(String reason) {
    membershipRefused.labelValues(reason).inc();
  }

  public void failover() {
    failovers.inc();
  }

  public void announced(String ip, String services, String node, boolean on) {
    if (on) {
      announced.labelValues(ip, services, node).set(1);
    } else {
      announced.remove(ip, services, node);
    }
  }

  public void unannounced(Map<NoWinnerReason, Integer> counts) {
    for (NoWinnerReason r : NoWinnerReason.values()) {
      unannounced
          .labelValues(r.name().toLowerCase(java.util.Locale.ROOT))
          .set(counts.getOrDefault(r, 0));
    }
  }

  public void members(int count) {
    members.set(count);
  }

  public void quorum(boolean held) {
    quorum.set(held ? 1 : 0);
  }

  public void configStale(boolean stale) {
    configStale.set(stale ? 1 : 0);
  }
}
