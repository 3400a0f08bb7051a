package io.heraldlb.speaker.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumTest {
  final Set<String> three = Set.of("a", "b", "c");

  @Test
  void aNodeCutOffFromTwoPeersIsAMinorityAndThePeersAMajority() {
    assertEquals(Quorum.MINORITY, Quorum.of(Set.of("a"), three, "a"));
    assertEquals(Quorum.MAJORITY, Quorum.of(Set.of("b", "c"), three, "b"));
    assertFalse(Quorum.MINORITY.mayAnnounce());
  }

  @Test
  void aSurvivorOfTwoStaysAvailableSinceACrashLooksLikeACut() {
    assertEquals(Quorum.HALF, Quorum.of(Set.of("b"), Set.of("a", "b"), "b"));
    assertTrue(Quorum.HALF.mayAnnounce());
  }

  @Test
  void nodesKubernetesNoLongerListsDoNotCount() {
    // c's node is NotReady (or its pod is being deleted): a and b are all there is.
    assertEquals(Quorum.MAJORITY, Quorum.of(Set.of("a", "b"), Set.of("a", "b"), "a"));
    // A member without a listed pod (a pod list that lags) adds no vote.
    assertEquals(Quorum.MINORITY, Quorum.of(Set.of("a", "x"), three, "a"));
  }

  @Test
  void thisNodeCountsEvenBeforeItsOwnPodIsListed() {
    assertEquals(Quorum.MAJORITY, Quorum.of(Set.of("a"), Set.of(), "a"));
    assertEquals(Quorum.HALF, Quorum.of(Set.of("a"), Set.of("b"), "a"));
    assertEquals(Quorum.MAJORITY, Quorum.of(Set.of("a", "b"), Set.of("b"), "a"));
  }

  @Test
  void atMostOneSideOfAnyCutOfTheSameListingHoldsAMajority() {
    Set<String> five = Set.of("a", "b", "c", "d", "e");
    assertEquals(Quorum.MAJORITY, Quorum.of(Set.of("a", "b", "c"), five, "a"));
    assertEquals(Quorum.MINORITY, Quorum.of(Set.of("d", "e"), five, "d"));
  }
}
