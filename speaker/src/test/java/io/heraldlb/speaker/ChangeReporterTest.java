package io.heraldlb.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.announce.Assignment;
import io.heraldlb.speaker.announce.Change;
import io.heraldlb.speaker.election.ElectionResult;
import io.heraldlb.speaker.metrics.SpeakerMetrics;
import io.heraldlb.speaker.plan.IpPlan;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeReporterTest {
  static final IpAddress VIP = IpAddress.parse("192.168.1.240");

  final PrometheusRegistry registry = new PrometheusRegistry();
  final ChangeReporter reporter =
      new ChangeReporter("a", new SpeakerMetrics(registry), (svc, warning, reason, msg) -> {});

  /** The {@code service} label of every heraldlb_announced series. */
  List<String> announcedSeries() {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("heraldlb_announced"))
        .flatMap(m -> ((GaugeSnapshot) m).getDataPoints().stream())
        .map(d -> d.getLabels().get("service"))
        .toList();
  }

  @Test
  void aServiceJoiningAnAnnouncedAddressLeavesOneSeriesForIt() {
    Assignment alone = new Assignment(VIP, "default/web", List.of("eth0"));
    Assignment shared = new Assignment(VIP, "default/dns,default/web", List.of("eth0"));
    reporter.changes(List.of(new Change.Won(alone)), Map.of(), Map.of(), Set.of("a"));
    reporter.changes(
        List.of(new Change.Relabelled(alone, shared)), Map.of(), Map.of(), Set.of("a"));
    assertEquals(List.of("default/dns,default/web"), announcedSeries());
  }

  static Map<IpAddress, IpPlan> wonBy(String node) {
    return Map.of(
        VIP,
        new IpPlan(VIP, List.of(), Optional.of("pool"), List.of(), new ElectionResult.Won(node)));
  }

  double failovers() {
    return registry.scrape().stream()
        .filter(m -> m.getMetadata().getName().equals("heraldlb_failovers"))
        .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  @Test
  void onlyAnAddressAnotherSpeakerHadCountsAsAFailover() {
    Assignment won = new Assignment(VIP, "default/web", List.of("eth0"));
    List<Change> win = List.of(new Change.Won(won));
    reporter.changes(win, wonBy("a"), Map.of(), Set.of("a", "b")); // new, or the first plan
    reporter.changes(win, wonBy("a"), wonBy("a"), Set.of("a", "b")); // ours already
    assertEquals(0, failovers());
    reporter.changes(win, wonBy("a"), wonBy("b"), Set.of("a"));
    assertEquals(1, failovers());
  }
}
