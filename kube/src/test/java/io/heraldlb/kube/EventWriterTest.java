package io.heraldlb.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class EventWriterTest {
  KubernetesClient client;
  Instant now = Instant.parse("2026-12-02T10:00:00Z");
  final List<Runnable> queued = new ArrayList<>();
  final EventWriter.Target web = EventWriter.Target.service("shop", "web", "uid-1");
  final EventWriter.Target db = EventWriter.Target.service("shop", "db", "uid-2");

  EventWriter writer() {
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now;
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    return new EventWriter(client, queued::add, clock, "speaker", "n1", "n1");
  }

  @Test
  void writesOneEventPerDistinctConditionUntilTheRepeatPeriodPasses() {
    EventWriter events = writer();
    events.normal(web, "AnnouncedFromNode", "from a");
    events.normal(web, "AnnouncedFromNode", "from a");
    events.normal(web, "AnnouncedFromNode", "from b");
    events.normal(db, "AnnouncedFromNode", "from b");
    assertEquals(3, queued.size());
    now = now.plus(EventWriter.REPEAT_AFTER).plus(Duration.ofMinutes(1));
    events.normal(web, "AnnouncedFromNode", "from b");
    assertEquals(4, queued.size());
  }

  @Test
  void writesTheEventOnTheObjectAndNamesWhoWroteIt() {
    EventWriter events = writer();
    events.warning(web, "AnnounceFailed", "x".repeat(5000));
    queued.forEach(Runnable::run);
    List<Event> written = client.v1().events().inNamespace("shop").list().getItems();
    assertEquals(1, written.size());
    Event e = written.get(0);
    assertEquals("Warning", e.getType());
    assertEquals("Service", e.getInvolvedObject().getKind());
    assertEquals("uid-1", e.getInvolvedObject().getUid());
    assertEquals("heraldlb-speaker", e.getSource().getComponent());
    assertEquals("heraldlb.io/speaker", e.getReportingComponent());
    assertEquals("n1", e.getReportingInstance());
    assertTrue(e.getMessage().length() <= 1024, "cut to what the API keeps");
    assertTrue(e.getMessage().endsWith("(truncated)"));
  }

  @Test
  void dropsWhatTheBacklogCannotHoldAndCountsIt() {
    EventWriter events = writer();
    for (int i = 0; i < EventWriter.MAX_BACKLOG + 5; i++) {
      events.normal(web, "IPAllocated", "assigned " + i);
    }
    assertEquals(EventWriter.MAX_BACKLOG, queued.size());
    assertEquals(5, events.dropped());
  }
}
