package io.heraldlb.allocator.bench;

import io.heraldlb.allocator.ipam.AllocationResult;
import io.heraldlb.allocator.ipam.Ipam;
import io.heraldlb.allocator.ipam.Requests;
import io.heraldlb.allocator.ipam.ServiceKey;
import io.heraldlb.allocator.ipam.ServiceRequest;
import io.heraldlb.config.ConfigParser;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.IpRange;
import io.heraldlb.config.ParseResult;
import io.heraldlb.config.PoolConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The IPAM core under load: one release plus one allocation in a /16 that is 99% full and in an
 * IPv6 /64 holding 100,000 assignments, against {@link NaiveScan} on the same workload; and a full
 * re-seed of 10,000 Services (what a restarted or newly elected allocator does).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IpamBenchmark {

  static PoolConfig pool(String range) {
    ParseResult r =
        ConfigParser.parse(Map.of("pools.conf", "pools { p { addresses = [\"" + range + "\"] } }"));
    return ((ParseResult.Valid) r).config();
  }

  /** A pool filled to {@code fill} assignments; each op frees one and allocates one. */
  @State(Scope.Thread)
  public static class Filled {
    @Param({"10.1.0.0/16:64880", "2001:db8::/64:100000"})
    public String shape;

    Ipam ipam;
    NaiveScan naive;
    List<ServiceRequest> requests;
    List<IpAddress> naiveIps;
    int next;

    @Setup(Level.Trial)
    public void fill() {
      String range = shape.substring(0, shape.lastIndexOf(':'));
      int fill = Integer.parseInt(shape.substring(shape.lastIndexOf(':') + 1));
      ipam = new Ipam(pool(range));
      naive = new NaiveScan(IpRange.parse(range));
      requests = new ArrayList<>(fill);
      naiveIps = new ArrayList<>(fill);
      for (int i = 0; i < fill; i++) {
        ServiceRequest r = ServiceRequest.simple("bench", "svc-" + i);
        requests.add(r);
        if (!(ipam.assign(r) instanceof AllocationResult.Assigned a)) {
          throw new IllegalStateException("pool too small for " + fill);
        }
        // Same addresses as the core holds (its lowest-free order), marked without a scan.
        IpAddress ip = a.assignment().ips().get(0);
        naive.markUsed(ip);
        naiveIps.add(ip);
      }
    }
  }

  @Benchmark
  public Object releaseAndAllocate(Filled s) {
    // Spread releases over the whole pool so the freed address is usually far from the start.
    int i = (int) ((s.next++ * 2654435761L) % s.requests.size());
    ServiceRequest r = s.requests.get(i);
    s.ipam.release(r.key());
    return s.ipam.assign(r);
  }

  @Benchmark
  public Object naiveReleaseAndAllocate(Filled s) {
    int i = (int) ((s.next++ * 2654435761L) % s.naiveIps.size());
    s.naive.release(s.naiveIps.get(i));
    IpAddress a = s.naive.allocate();
    s.naiveIps.set(i, a);
    return a;
  }

  /**
   * The same filled pools with 500 random holes punched before each invocation (not timed): the
   * benchmark then allocates 500 times, so its score is the cost of one allocation alone.
   */
  @State(Scope.Thread)
  public static class Holes extends Filled {
    static final int HOLES = 500;
    final java.util.Random random = new java.util.Random(42);
    final List<ServiceRequest> released = new ArrayList<>(HOLES);
    final List<Integer> naiveReleased = new ArrayList<>(HOLES);

    @Setup(Level.Invocation)
    public void punch() {
      released.clear();
      naiveReleased.clear();
      java.util.Set<Integer> picked = new java.util.HashSet<>();
      while (picked.size() < HOLES) {
        picked.add(random.nextInt(requests.size()));
      }
      for (int i : picked) {
        ServiceRequest r = requests.get(i);
        ipam.release(r.key());
        released.add(r);
        naive.release(naiveIps.get(i));
        naiveReleased.add(i);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(Holes.HOLES)
  public int allocate(Holes h) {
    int assigned = 0;
    for (ServiceRequest r : h.released) {
      if (h.ipam.assign(r) instanceof AllocationResult.Assigned) {
        assigned++;
      }
    }
    return assigned;
  }

  @Benchmark
  @OperationsPerInvocation(Holes.HOLES)
  public int naiveAllocate(Holes h) {
    for (int i : h.naiveReleased) {
      h.naiveIps.set(i, h.naive.allocate());
    }
    return h.naiveReleased.size();
  }

  /** 10,000 Services that already show an IP, as the API returns them after a restart. */
  @State(Scope.Benchmark)
  public static class Seed {
    PoolConfig config;
    List<ServiceRequest> requests;

    @Setup(Level.Trial)
    public void prepare() {
      config = pool("10.2.0.0/16");
      Ipam first = new Ipam(config);
      requests = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        ServiceRequest r = ServiceRequest.simple("ns" + (i % 50), "svc-" + i);
        AllocationResult.Assigned a = (AllocationResult.Assigned) first.assign(r);
        requests.add(Requests.from(r).withCurrentIps(a.assignment().ips().get(0)).build());
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 5)
  @Measurement(iterations = 20)
  public Ipam reseed10k(Seed s) {
    Ipam ipam = new Ipam(s.config);
    for (ServiceRequest r : s.requests) {
      ipam.claim(r);
    }
    for (ServiceRequest r : s.requests) {
      ipam.assign(r);
    }
    return ipam;
  }

  static ServiceKey key(int i) {
    return new ServiceKey("bench", "svc-" + i);
  }
}
