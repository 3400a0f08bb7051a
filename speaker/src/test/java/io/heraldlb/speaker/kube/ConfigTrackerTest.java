package io.heraldlb.speaker.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.PoolConfig;
import io.heraldlb.kube.PoolSource;
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

  static Map<String, Object> metalLbPool(String name, String addresses) {
    return Map.of(
        "apiVersion",
        "metallb.io/v1beta1",
        "kind",
        "IPAddressPool",
        "metadata",
        Map.of("name", name, "namespace", "metallb-system"),
        "spec",
        Map.of("addresses", List.of(addresses)));
  }

  @Test
  void metalLbsObjectsFollowTheSameLastGoodRules() {
    PoolConfig good =
        tracker.update(new PoolSource.Inputs(null, List.of(metalLbPool("theirs", "10.1.0.0/28"))));
    assertEquals(List.of("theirs"), good.pools().stream().map(p -> p.name()).toList());
    // An overlapping pool (no MetalLB webhook guards the objects any more): last good, stale.
    assertSame(
        good,
        tracker.update(
            new PoolSource.Inputs(
                null,
                List.of(metalLbPool("theirs", "10.1.0.0/28"), metalLbPool("new", "10.1.0.8/29")))));
    assertTrue(tracker.stale());
    // Every pool deleted: still the last good one.
    assertSame(good, tracker.update(new PoolSource.Inputs(null, List.of())));
    assertTrue(tracker.stale());
    // HeraldLB's own ConfigMap, once written, wins over the objects.
    PoolConfig own =
        tracker.update(
            new PoolSource.Inputs(
                pools("pools { own { addresses = [\"10.0.0.0/30\"] } }"),
                List.of(metalLbPool("theirs", "10.1.0.0/28"))));
    assertEquals(List.of("own"), own.pools().stream().map(p -> p.name()).toList());
    assertFalse(tracker.stale());
  }
}
