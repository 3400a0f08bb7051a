package io.heraldlb.allocator.bench;

import io.heraldlb.config.IpAddress;
import io.heraldlb.config.IpRange;
import java.util.HashSet;
import java.util.Set;

/**
 * The baseline the IPAM core is measured against: a set of used addresses and a walk from the start
 * of the range to the first free one, which is how a simple allocator finds the lowest free
 * address. Benchmarks only.
 */
final class NaiveScan {
  private final IpRange range;
  private final Set<IpAddress> used = new HashSet<>();

  NaiveScan(IpRange range) {
    this.range = range;
  }

  IpAddress allocate() {
    for (IpAddress a = range.first(); a != null && range.contains(a); a = a.next()) {
      if (used.add(a)) {
        return a;
      }
    }
    return null;
  }

  /** Marks {@code a} used without a scan, to build a large starting state quickly. */
  void markUsed(IpAddress a) {
    used.add(a);
  }

  void release(IpAddress a) {
    used.remove(a);
  }
}
