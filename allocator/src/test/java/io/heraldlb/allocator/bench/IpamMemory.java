package io.heraldlb.allocator.bench;

import io.heraldlb.allocator.ipam.Ipam;
import io.heraldlb.allocator.ipam.ServiceRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap retained by the IPAM core per assignment. The requests (and their name strings) are built
 * first and kept alive outside the core, as the informer cache keeps the Services in production, so
 * the figure is what the core itself adds. Prints bytes per assignment for a sparse IPv6 /64 and a
 * /16.
 */
public final class IpamMemory {
  private IpamMemory() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    measure("2001:db8::/64", n);
    measure("10.1.0.0/16", Math.min(n, 64_880));
  }

  private static void measure(String range, int n) {
    List<ServiceRequest> requests = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      requests.add(ServiceRequest.simple("bench", "svc-" + i));
    }
    long before = usedHeap();
    Ipam ipam = new Ipam(IpamBenchmark.pool(range));
    for (ServiceRequest r : requests) {
      ipam.assign(r);
    }
    long after = usedHeap();
    System.out.printf(
        "IPAM memory: %,d assignments in %s: %,d bytes retained, %.0f bytes per assignment%n",
        ipam.assignmentCount(),
        range,
        after - before,
        (after - before) / (double) ipam.assignmentCount());
    if (requests.isEmpty()) {
      System.out.println(ipam); // keeps both reachable until here
    }
  }

  private static long usedHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
