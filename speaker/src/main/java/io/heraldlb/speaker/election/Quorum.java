package io.heraldlb.speaker.election;

import java.util.Set;
import java.util.TreeSet;

/**
 * Where a speaker's view stands against the speakers Kubernetes lists. A group view cannot tell a
 * dead peer from one it can no longer hear: when a node's membership traffic is cut but its LAN
 * still works, both sides of the cut would elect over their own view and two nodes would answer for
 * the same addresses. The side that holds a strict majority of the listed speakers keeps electing;
 * a strict minority hands its addresses over and wins none, since the majority (if it is alive) has
 * already taken them. An exact half cannot tell a crash from a cut (in a two-node cluster every
 * crash is one), so it stays available: a crash must fail over.
 *
 * <p>Pure: the caller supplies the view and the listed speakers.
 */
public enum Quorum {
  /** More than half of the listed speakers are in the view. */
  MAJORITY,
  /** Exactly half: elect as usual; the other half may do the same if this is a cut. */
  HALF,
  /** Fewer than half: another side holds the majority or the rest are down. */
  MINORITY;

  /**
   * @param view the nodes in this speaker's group view (this node included)
   * @param listed the nodes Kubernetes lists as running a speaker and not down
   * @param self this node, which always counts as listed (its own pod may not be yet)
   */
  public static Quorum of(Set<String> view, Set<String> listed, String self) {
    Set<String> voters = new TreeSet<>(listed);
    voters.add(self);
    long present = view.stream().filter(voters::contains).count();
    long twice = 2 * present;
    if (twice > voters.size()) {
      return MAJORITY;
    }
    return twice == voters.size() ? HALF : MINORITY;
  }

  /** Whether a speaker in this standing may win addresses and keep announcing. */
  public boolean mayAnnounce() {
    return this != MINORITY;
  }
}
