package io.heraldlb.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.announce.Assignment;
import io.heraldlb.speaker.announce.Change;
import io.heraldlb.speaker.metrics.SpeakerMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.util.List;
import java.util.Map;
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
    reporter.changes(List.of(new Change.Won(alone)), Map.of(), Set.of("a"), false);
    reporter.changes(List.of(new Change.Relabelled(alone, shared)), Map.of(), Set.of("a"), false);
    assertEquals(List.of("default/dns,default/web"), announcedSeries());
  }
}
