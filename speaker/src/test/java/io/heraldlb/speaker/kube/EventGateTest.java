package io.heraldlb.speaker.kube;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.speaker.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventGateTest {
  final MutableClock clock = new MutableClock();
  final EventGate gate = new EventGate(clock, Duration.ofMinutes(10));

  @Test
  void letsOneEventThroughPerDistinctConditionUntilTheRepeatPeriodPasses() {
    assertTrue(gate.allow("shop/web", "AnnouncedFromNode", "from a"));
    assertFalse(gate.allow("shop/web", "AnnouncedFromNode", "from a"));
    assertTrue(gate.allow("shop/web", "AnnouncedFromNode", "from b"));
    assertTrue(gate.allow("shop/db", "AnnouncedFromNode", "from b"));
    clock.advance(Duration.ofMinutes(11));
    assertTrue(gate.allow("shop/web", "AnnouncedFromNode", "from b"));
  }
}
