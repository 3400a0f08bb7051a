package io.heraldlb.speaker.membership;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.speaker.MutableClock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StartupGateTest {
  final MutableClock clock = new MutableClock();
  final StartupGate gate = new StartupGate(clock, Duration.ofSeconds(10));
  final Set<String> all = Set.of("node1", "node2", "node3");

  @Test
  void staysClosedWhileThisSpeakerIsAloneInAGroupOfItsOwn() {
    assertFalse(gate.open(Set.of("node1"), all));
  }

  @Test
  void opensAtOnceInAViewWithAnotherSpeakerWhichAlreadyCountsOnThisOne() {
    // node3's pod is listed but crash-loops: node1 and node2 elect between them, so node1 must
    // answer for what it wins now, not after the wait.
    assertTrue(gate.open(Set.of("node1", "node2"), all));
    assertTrue(gate.isOpen());
  }

  @Test
  void opensOnceTheViewHoldsEverySpeakerAndStaysOpenWhenOneDies() {
    assertTrue(gate.open(all, all));
    assertTrue(gate.open(Set.of("node1"), all));
  }

  @Test
  void staysClosedBeforeTheFirstViewAndWhileSpeakerPodsAreUnknown() {
    assertFalse(gate.open(Set.of(), Set.of()));
    assertFalse(gate.open(Set.of("node1"), null));
  }

  @Test
  void opensAfterTheWaitEvenIfAPodOfADeadNodeIsStillListed() {
    clock.advance(Duration.ofMillis(9_999));
    assertFalse(gate.due());
    assertFalse(gate.open(Set.of("node1"), all));
    clock.advance(Duration.ofMillis(1));
    assertTrue(gate.due());
    assertTrue(gate.open(Set.of("node1"), all));
    assertFalse(gate.due());
  }

  @Test
  void aZeroWaitNeverHoldsBack() {
    StartupGate off = new StartupGate(clock, Duration.ZERO);
    assertTrue(off.isOpen());
    assertTrue(off.open(Set.of("node1"), all));
  }
}
