package io.heraldlb.speaker;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.announce.Assignment;
import io.heraldlb.speaker.announce.Change;
import io.heraldlb.speaker.election.ElectionResult;
import io.heraldlb.speaker.election.NoWinnerReason;
import io.heraldlb.speaker.kube.AnnouncementSink;
import io.heraldlb.speaker.kube.EventSink;
import io.heraldlb.speaker.metrics.SpeakerMetrics;
import io.heraldlb.speaker.plan.IpPlan;
import io.heraldlb.speaker.plan.ServiceInfo;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says what the recompute loop decided: one log line per change (the network tests grep them), the
 * announced gauge, failovers, and Events on the Services. Runs on the loop thread.
 */
final class ChangeReporter {
  private static final Logger log = LoggerFactory.getLogger(ChangeReporter.class);

  private final String node;
  private final SpeakerMetrics metrics;
  private final EventSink events;
  private final AnnouncementSink announcements;
  private final Map<IpAddress, String> lastProblem = new HashMap<>();

  ChangeReporter(String node, SpeakerMetrics metrics, EventSink events) {
    this(node, metrics, events, AnnouncementSink.NONE);
  }

  ChangeReporter(
      String node, SpeakerMetrics metrics, EventSink events, AnnouncementSink announcements) {
    this.node = node;
    this.metrics = metrics;
    this.events = events;
    this.announcements = announcements;
  }

  private void record(Assignment a) {
    announcements.announcing(
        a.ip(),
        a.interfaces(),
        a.services().isEmpty() ? List.of() : List.of(a.services().split(",")));
  }

  /**
   * @param plans this plan
   * @param before the plan before it (empty for the first): a won address counts as a failover only
   *     when that plan gave it to another speaker, not when it is new or this speaker starts
   */
  void changes(
      List<Change> changes,
      Map<IpAddress, IpPlan> plans,
      Map<IpAddress, IpPlan> before,
      Set<String> members) {
    for (Change c : changes) {
      if (c instanceof Change.Won w) {
        IpPlan earlier = before.get(w.now().ip());
        String from =
            earlier == null
                ? null
                : earlier.result().winner().filter(n -> !n.equals(node)).orElse(null);
        won(w.now(), plans.get(w.now().ip()), members, from);
        record(w.now());
      } else if (c instanceof Change.Moved m) {
        metrics.announced(m.before().ip().toString(), m.before().services(), node, false);
        metrics.announced(m.now().ip().toString(), m.now().services(), node, true);
        log.info(
            "announcing {} now on {} (was {})",
            m.now().ip(),
            String.join(",", m.now().interfaces()),
            String.join(",", m.before().interfaces()));
        announcedEvents(plans.get(m.now().ip()), m.now());
        record(m.now());
      } else if (c instanceof Change.Relabelled r) {
        metrics.announced(r.before().ip().toString(), r.before().services(), node, false);
        metrics.announced(r.now().ip().toString(), r.now().services(), node, true);
        record(r.now());
      } else if (c instanceof Change.Lost l) {
        metrics.announced(l.before().ip().toString(), l.before().services(), node, false);
        announcements.stopped(l.before().ip());
        log.atInfo()
            .addKeyValue("ip", l.before().ip())
            .addKeyValue("service", l.before().services())
            .addKeyValue("node", node)
            .log("stopped announcing {} ({})", l.before().ip(), why(plans.get(l.before().ip())));
      }
    }
    announcements.planned();
  }

  private void won(
      Assignment a, @Nullable IpPlan plan, Set<String> members, @Nullable String from) {
    metrics.announced(a.ip().toString(), a.services(), node, true);
    if (from != null) {
      metrics.failover();
    }
    log.atInfo()
        .addKeyValue("ip", a.ip())
        .addKeyValue("service", a.services())
        .addKeyValue("node", node)
        .log(
            "announcing {} on {} for {} (won: live speakers {}){}",
            a.ip(),
            String.join(",", a.interfaces()),
            a.services(),
            new java.util.TreeSet<>(members),
            from == null ? "" : ", taking over from " + from);
    announcedEvents(plan, a);
  }

  private void announcedEvents(@Nullable IpPlan plan, Assignment a) {
    if (plan == null) {
      return;
    }
    String message =
        "announcing "
            + a.ip()
            + " from node "
            + node
            + " on interfaces "
            + String.join(", ", a.interfaces());
    plan.services().forEach(s -> events.emit(s, false, EventSink.ANNOUNCED, message));
  }

  private static String why(@Nullable IpPlan plan) {
    if (plan == null) {
      return "no Service uses it any more";
    }
    if (plan.result() instanceof ElectionResult.NoWinner nw) {
      return nw.message();
    }
    return "now announced by " + plan.result().winner().orElse("?");
  }

  /** The message for an address this node won but has no open interface for. */
  String noInterface(IpPlan plan, Set<String> defaults, Set<String> open) {
    String wanted =
        plan.poolInterfaces().isEmpty()
            ? "default interfaces " + defaults
            : "pool interfaces " + plan.poolInterfaces();
    return "node "
        + node
        + " won "
        + plan.ip()
        + " but has none of the "
        + wanted
        + " open (open: "
        + open
        + "), so nobody announces it";
  }

  /**
   * Addresses nobody announces: each logged when its reason changes, counted by rule, and reported
   * as an AnnounceFailed Event. Election failures are reported by one speaker ({@code reporter}) so
   * that N nodes do not write N copies; a missing interface by the winner that lacks it.
   *
   * @param noInterface messages for addresses this node won without an interface
   */
  void problems(
      Map<IpAddress, IpPlan> plans, Map<IpAddress, String> noInterface, boolean reporter) {
    Map<NoWinnerReason, Integer> counts = new EnumMap<>(NoWinnerReason.class);
    Map<IpAddress, String> now = new HashMap<>(noInterface);
    for (IpPlan plan : plans.values()) {
      if (plan.result() instanceof ElectionResult.NoWinner nw) {
        counts.merge(nw.reason(), 1, Integer::sum);
        now.put(plan.ip(), nw.message());
      }
    }
    now.forEach(
        (ip, message) -> {
          if (!message.equals(lastProblem.get(ip))) {
            log.warn("{}", message);
          }
          boolean ours = noInterface.containsKey(ip);
          IpPlan plan = plans.get(ip);
          if ((ours || reporter) && plan != null) {
            plan.services().forEach(s -> events.emit(s, true, EventSink.FAILED, message));
          }
        });
    lastProblem.clear();
    lastProblem.putAll(now);
    metrics.unannounced(counts);
  }

  void conflict(IpAddress ip, String mac, String interfaceName, List<ServiceInfo> services) {
    metrics.conflict();
    String message =
        "IP conflict: "
            + mac
            + " on "
            + interfaceName
            + " also claims "
            + ip
            + ", which node "
            + node
            + " announces (another host uses it, or the speaker group is split)";
    log.warn("{}", message);
    services.forEach(s -> events.emit(s, true, EventSink.CONFLICT, message));
  }
}
