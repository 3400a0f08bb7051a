package io.heraldlb.speaker.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.PoolConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTrackerTest {
  final ConfigTracker tracker = new ConfigTracker();

  static Map<String, String> pools(String body) {
    return Map.of("pools.conf", body);
  }

  @Test
  void anInvalidConfigMapKeepsTheLastGoodConfigurationAndMarksItStale() {
    PoolConfig good = tracker.update(pools("pools { a { addresses = [\"10.0.0.0/30\"] } }"));
    assertEquals(List.of("a"), good.pools().stream().map(p -> p.name()).toList());
    assertSame(good, tracker.update(pools("pools { a { addresses = [\"not an ip\"] } }")));
    assertTrue(tracker.stale());
    tracker.update(pools("pools { b { addresses = [\"10.0.1.0/30\"] } }"));
    assertFalse(tracker.stale());
    assertEquals("b", tracker.current().pools().get(0).name());
  }

  @Test
  void noConfigMapAtStartMeansNoPools() {
    assertEquals(PoolConfig.EMPTY, tracker.update((Map<String, String>) null));
    assertFalse(tracker.stale(), "nothing older is in use");
  }

  @Test
  void aDeletedConfigMapKeepsTheLastGoodConfigurationAndMarksItStale() {
    PoolConfig good = tracker.update(pools("pools { a { addresses = [\"10.0.0.0/30\"] } }"));
    assertSame(good, tracker.update((Map<String, String>) null));
    assertTrue(tracker.stale());
    tracker.update(pools("pools { a { addresses = [\"10.0.0.0/30\"] } }"));
    assertFalse(tracker.stale());
  }

  @Test
  void anInvalidConfigMapAtStartGivesNoPoolsUntilAGoodOneArrives() {
    assertEquals(
        PoolConfig.EMPTY, tracker.update(pools("pools { a { addresses = [\"not an ip\"] } }")));
    assertTrue(tracker.stale());
    assertEquals(
        "a",
        tracker
            .update(pools("pools { a { addresses = [\"10.0.0.0/30\"] } }"))
            .pools()
            .get(0)
            .name());
    assertFalse(tracker.stale());
  }
}
