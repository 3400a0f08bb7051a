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
  void staysClosedAfterTheWaitWhileSpeakerPodsAreUnknownUnlessAPeerJoins() {
    // With the pod informer failing, every speaker alone in a group of its own would otherwise
    // open at its deadline and answer for everything.
    clock.advance(Duration.ofSeconds(11));
    assertFalse(gate.open(Set.of("node1"), null));
    assertFalse(gate.due(), "no wake-ups while nothing can change the answer but a signal");
    assertFalse(gate.open(Set.of("node1"), null));
    assertTrue(gate.open(Set.of("node1"), all), "once the pods are read");
  }

  @Test
  void aZeroWaitNeverHoldsBack() {
    StartupGate off = new StartupGate(clock, Duration.ZERO);
    assertTrue(off.isOpen());
    assertTrue(off.open(Set.of("node1"), all));
  }
}
