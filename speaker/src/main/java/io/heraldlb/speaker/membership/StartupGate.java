package io.heraldlb.speaker.membership;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a starting speaker back from announcing until its group has converged. Speakers started at
 * the same moment (a roll-out, a cluster boot) often find no peer listening yet and each found a
 * group of their own; each would then win every address and answer for it until the groups merge.
 * The gate opens once the view holds another speaker (its members already count this one as a
 * candidate and stop answering for what it wins: holding back would leave those addresses dark), or
 * every node that runs a speaker pod, or after {@code maxWait} (a pod of a dead node must not keep
 * the addresses dark for long) if the speaker pods are known, and then stays open: it only governs
 * start-up, never failover. Whether an open speaker may announce is then its {@link
 * io.heraldlb.speaker.election.Quorum}'s call.
 *
 * <p>Not thread-safe: the recompute loop is its only caller.
 */
public final class StartupGate {
  private static final Logger log = LoggerFactory.getLogger(StartupGate.class);

  private final Clock clock;
  private final Instant deadline;
  private final Duration maxWait;
  private volatile boolean open;
  private boolean warnedUnknown;

  /**
   * @param maxWait how long to wait for the group to hold every speaker; zero: never wait
   */
  public StartupGate(Clock clock, Duration maxWait) {
    this.clock = clock;
    this.maxWait = maxWait;
    this.deadline = clock.instant().plus(maxWait);
    this.open = maxWait.isZero();
  }

  /**
   * Whether this speaker may announce.
   *
   * @param members the current view's nodes (empty before the first view)
   * @param speakerNodes the nodes running a speaker pod, or null while that is not known yet
   */
  public boolean open(Set<String> members, @Nullable Set<String> speakerNodes) {
    if (open) {
      return true;
    }
    if (members.size() > 1) {
      open = true;
      log.info("the speaker group {} counts on this speaker: announcing", new TreeSet<>(members));
    } else if (!members.isEmpty() && speakerNodes != null && members.containsAll(speakerNodes)) {
      open = true;
      log.info("the speaker group holds every speaker {}: announcing", new TreeSet<>(members));
    } else if (!clock.instant().isBefore(deadline)) {
      if (speakerNodes == null) {
        // A group of one that cannot tell how many speakers exist (the pod list is not readable)
        // would answer for every address while the others do too.
        if (!warnedUnknown) {
          warnedUnknown = true;
          log.warn(
              "alone in the speaker group after {} ms and the speaker pods are unknown: not"
                  + " announcing until the pod list is read or another speaker joins",
              maxWait.toMillis());
        }
        return false;
      }
      open = true;
      Set<String> missing = new TreeSet<>(speakerNodes);
      missing.removeAll(members);
      log.warn(
          "announcing although the speaker group {} still lacks {} after {} ms",
          new TreeSet<>(members),
          missing,
          maxWait.toMillis());
    }
    return open;
  }

  /** True once the gate has opened (it never closes again). */
  public boolean isOpen() {
    return open;
  }

  /** True when the gate is still closed but its wait is over: the next call may open it. */
  public boolean due() {
    return !open && !warnedUnknown && !clock.instant().isBefore(deadline);
  }
}
