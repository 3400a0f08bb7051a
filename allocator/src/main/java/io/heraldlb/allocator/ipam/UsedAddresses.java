package io.heraldlb.allocator.ipam;

import io.heraldlb.config.IpAddress;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The used addresses of one pool as maximal runs {@code [start, end]} in a tree, so finding the
 * lowest free address costs O(log runs) and memory grows with the runs, never with the pool.
 *
 * <p>In a pool that avoids "buggy" IPv4 addresses (.0 and .255), those are never used, and a run
 * may step over them: two runs separated only by buggy addresses are one run. That keeps a full
 * pool one run, so skipping .0/.255 never turns the search into a walk.
 */
final class UsedAddresses {
  private final TreeMap<IpAddress, IpAddress> runs = new TreeMap<>();
  private final boolean avoidBuggy;

  UsedAddresses(boolean avoidBuggy) {
    this.avoidBuggy = avoidBuggy;
  }

  static boolean isBuggy(IpAddress a) {
    return a.isV4() && (a.lastOctet() == 0 || a.lastOctet() == 255);
  }

  private boolean skipped(IpAddress a) {
    return avoidBuggy && isBuggy(a);
  }

  /** {@code a} itself, or the next address that is not skipped; {@code null} past the end. */
  @Nullable IpAddress firstUsable(@Nullable IpAddress a) {
    while (a != null && skipped(a)) {
      a = a.next();
    }
    return a;
  }

  boolean contains(IpAddress a) {
    Map.Entry<IpAddress, IpAddress> run = runs.floorEntry(a);
    return run != null && a.compareTo(run.getValue()) <= 0 && !skipped(a);
  }

  /** The lowest address in {@code [from, to]} that is neither used nor skipped, or {@code null}. */
  @Nullable IpAddress lowestFree(IpAddress from, IpAddress to) {
    IpAddress candidate = firstUsable(from);
    while (candidate != null && candidate.compareTo(to) <= 0) {
      Map.Entry<IpAddress, IpAddress> run = runs.floorEntry(candidate);
      if (run == null || candidate.compareTo(run.getValue()) > 0) {
        return candidate;
      }
      IpAddress after = run.getValue().next();
      // Runs are maximal, so the first usable address after a run is free: at most one more turn.
      candidate = after == null ? null : firstUsable(after);
    }
    return null;
  }

  void add(IpAddress a) {
    if (skipped(a)) {
      // Held from before the pool avoided it; never handed out again, so not tracked as a run.
      return;
    }
    IpAddress start = a;
    IpAddress end = a;
    Map.Entry<IpAddress, IpAddress> left = runs.lowerEntry(a);
    if (left != null && bridges(left.getValue(), a)) {
      start = left.getKey();
    }
    Map.Entry<IpAddress, IpAddress> right = runs.higherEntry(a);
    if (right != null && bridges(a, right.getKey())) {
      end = right.getValue();
      runs.remove(right.getKey());
    }
    runs.put(start, end);
  }

  void remove(IpAddress a) {
    if (skipped(a)) {
      return;
    }
    Map.Entry<IpAddress, IpAddress> run = runs.floorEntry(a);
    if (run == null || a.compareTo(run.getValue()) > 0) {
      return;
    }
    runs.remove(run.getKey());
    IpAddress leftEnd = a.previous();
    while (leftEnd != null && leftEnd.compareTo(run.getKey()) >= 0 && skipped(leftEnd)) {
      leftEnd = leftEnd.previous();
    }
    if (leftEnd != null && leftEnd.compareTo(run.getKey()) >= 0) {
      runs.put(run.getKey(), leftEnd);
    }
    IpAddress rightStart = a.next() == null ? null : firstUsable(a.next());
    if (rightStart != null && rightStart.compareTo(run.getValue()) <= 0) {
      runs.put(rightStart, run.getValue());
    }
  }

  /** Whether nothing but skipped addresses lies strictly between {@code a} and {@code b}. */
  private boolean bridges(IpAddress a, IpAddress b) {
    IpAddress c = a.next();
    for (int steps = 0; c != null && steps < 3; steps++) {
      if (c.equals(b)) {
        return true;
      }
      if (!skipped(c)) {
        return false;
      }
      c = c.next();
    }
    return false;
  }

  int runCount() {
    return runs.size();
  }
}
