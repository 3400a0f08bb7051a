package io.heraldlb.allocator.ipam;

import io.heraldlb.config.Family;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.IpRange;
import io.heraldlb.config.Pool;
import org.jspecify.annotations.Nullable;

/** One pool's used addresses and counts. */
final class PoolState {
  final Pool pool;
  final UsedAddresses used;
  private final long[] inUse = new long[Family.values().length];

  PoolState(Pool pool) {
    this.pool = pool;
    this.used = new UsedAddresses(pool.avoidBuggyIps());
  }

  /** Whether {@code a} may be handed out at all (in the pool, not a skipped .0/.255). */
  boolean offers(IpAddress a) {
    return pool.contains(a) && !(pool.avoidBuggyIps() && UsedAddresses.isBuggy(a));
  }

  @Nullable IpAddress lowestFree(Family family) {
    for (IpRange range : pool.addresses()) {
      if (range.family() == family) {
        IpAddress free = used.lowestFree(range.first(), range.last());
        if (free != null) {
          return free;
        }
      }
    }
    return null;
  }

  void markUsed(IpAddress a) {
    used.add(a);
    inUse[a.family().ordinal()]++;
  }

  void markFree(IpAddress a) {
    used.remove(a);
    inUse[a.family().ordinal()]--;
  }

  long inUse(Family family) {
    return inUse[family.ordinal()];
  }
}
