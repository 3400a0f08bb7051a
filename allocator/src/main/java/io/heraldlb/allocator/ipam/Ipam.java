package io.heraldlb.allocator.ipam;

import io.heraldlb.config.Family;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.IpRange;
import io.heraldlb.config.Pool;
import io.heraldlb.config.PoolConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The IPAM core: pools, the assignment of each Service, and the rules that decide them. Pure and
 * single-threaded: no I/O, no Kubernetes types; the controller feeds it plain requests.
 *
 * <p>An IP is in use while at least one Service holds it. Several Services hold one IP only when
 * the sharing rules allow it, and every IP in use belongs to exactly one pool or to none (after a
 * configuration change removed it; its holders are then moved on their next reconcile).
 */
public final class Ipam {
  private final Map<String, PoolState> pools = new LinkedHashMap<>();

  /** First address of every pool range → its pool, for finding an IP's pool in O(log ranges). */
  private final TreeMap<IpAddress, RangeOwner> rangeStarts = new TreeMap<>();

  private record RangeOwner(IpRange range, PoolState pool) {}

  private final Map<ServiceKey, Assignment> assignments = new HashMap<>();

  /** IP → its holder ({@link Assignment}) or holders ({@code Assignment[]}, when shared). */
  private final Map<IpAddress, Object> holders = new HashMap<>();

  /** Sharing key → the IPs held under it, for finding a shareable IP without a scan. */
  private final Map<String, TreeSet<IpAddress>> shared = new HashMap<>();

  public Ipam(PoolConfig config) {
    setConfig(config);
  }

  /**
   * Replaces the pools. Assignments are kept as they are; the keys returned hold an IP that no pool
   * offers any more (removed, or a .0/.255 in a pool that now avoids them) and must be reconciled
   * again, which moves them. Everything else in use is re-counted in its (possibly renamed) pool.
   */
  public Set<ServiceKey> setConfig(PoolConfig config) {
    pools.clear();
    rangeStarts.clear();
    for (Pool p : config.pools()) {
      PoolState state = new PoolState(p);
      pools.put(p.name(), state);
      p.addresses().forEach(range -> rangeStarts.put(range.first(), new RangeOwner(range, state)));
    }
    Set<ServiceKey> stranded = new TreeSet<>();
    for (Map.Entry<IpAddress, Object> e : holders.entrySet()) {
      PoolState p = poolOf(e.getKey());
      if (p != null) {
        p.markUsed(e.getKey());
      }
      if (p == null || !p.offers(e.getKey())) {
        forEachHolder(e.getValue(), a -> stranded.add(a.key()));
      }
    }
    return stranded;
  }

  public Optional<Assignment> assignment(ServiceKey key) {
    return Optional.ofNullable(assignments.get(key));
  }

  public int assignmentCount() {
    return assignments.size();
  }

  /** In-use counts for metrics: distinct IPs of {@code family} in use in {@code pool}. */
  public long inUse(String pool, Family family) {
    PoolState p = pools.get(pool);
    return p == null ? 0 : p.inUse(family);
  }

  /** The Services holding {@code ip}; more than one only when they share it. */
  public List<ServiceKey> holdersOf(IpAddress ip) {
    List<ServiceKey> keys = new ArrayList<>();
    forEachHolder(holders.get(ip), a -> keys.add(a.key()));
    return keys;
  }

  /** Frees whatever {@code key} holds. */
  public Optional<Assignment> release(ServiceKey key) {
    Assignment a = assignments.remove(key);
    if (a != null) {
      unbind(a);
    }
    return Optional.ofNullable(a);
  }

  /**
   * Loads an assignment found in a Service's status at start-up: takes exactly those IPs if the
   * rules allow this Service to hold them (pool, namespace, selector, sharing), and nothing
   * otherwise. Never allocates, so that loading every existing assignment before allocating
   * anything is possible.
   *
   * @return whether the IPs were taken
   */
  public boolean claim(ServiceRequest request) {
    List<IpAddress> current = request.currentIps();
    if (current.isEmpty() || assignments.containsKey(request.key())) {
      return false;
    }
    List<IpAddress> requested = request.requestedIps();
    if (!requested.isEmpty() && !Set.copyOf(requested).equals(Set.copyOf(current))) {
      return false;
    }
    ServiceRequest exact =
        new ServiceRequest(
            request.key(),
            request.labels(),
            request.namespaceLabels(),
            request.families(),
            request.policy(),
            current,
            request.requestedPool(),
            request.sharingKey(),
            request.ports(),
            request.localTraffic(),
            request.backendKey(),
            request.currentIps());
    if (!(new Allocation(this, exact, List.of()).run() instanceof Allocation.Outcome.Chosen c)) {
      return false;
    }
    bind(Assignment.of(request, c.pool(), c.ips()));
    return true;
  }

  /**
   * Decides the IPs of one Service: keeps what it holds (or what its status already shows) while
   * that is still allowed, and otherwise picks new ones by the allocation rules. When the request
   * cannot be met, a still-allowed current assignment is kept and the failure is reported.
   */
  public AllocationResult assign(ServiceRequest request) {
    Assignment current = assignments.remove(request.key());
    if (current != null) {
      unbind(current);
    }
    List<IpAddress> prior = current != null ? current.ips() : request.currentIps();
    Allocation.Outcome outcome = new Allocation(this, request, prior).run();
    if (outcome instanceof Allocation.Outcome.Refused refused) {
      if (current != null && stillAllowed(current, request)) {
        bind(current);
        return new AllocationResult.Failed(refused.reason(), current);
      }
      return new AllocationResult.Failed(refused.reason(), null);
    }
    Allocation.Outcome.Chosen chosen = (Allocation.Outcome.Chosen) outcome;
    Assignment next = Assignment.of(request, chosen.pool(), chosen.ips());
    bind(next);
    List<IpAddress> dropped = new ArrayList<>(prior);
    dropped.removeAll(next.ips());
    boolean changed =
        current == null || !current.ips().equals(next.ips()) || !current.pool().equals(next.pool());
    return new AllocationResult.Assigned(next, changed, List.copyOf(dropped));
  }

  private boolean stillAllowed(Assignment a, ServiceRequest r) {
    for (IpAddress ip : a.ips()) {
      PoolState p = poolOf(ip);
      if (p == null || !Allocation.poolAllowed(p.pool, r) || usableFailure(ip, p, r) != null) {
        return false;
      }
    }
    return true;
  }

  /** The name of the configured pool holding {@code ip}, if any. */
  public Optional<String> poolNameOf(IpAddress ip) {
    PoolState p = poolOf(ip);
    return p == null ? Optional.empty() : Optional.of(p.pool.name());
  }

  // ---- used by Allocation ----

  Iterable<PoolState> pools() {
    return pools.values();
  }

  @Nullable PoolState pool(String name) {
    return pools.get(name);
  }

  @Nullable PoolState poolOf(IpAddress ip) {
    Map.Entry<IpAddress, RangeOwner> e = rangeStarts.floorEntry(ip);
    return e != null && e.getValue().range().contains(ip) ? e.getValue().pool() : null;
  }

  /** Why {@code r} may not hold {@code ip} of pool {@code p}, or {@code null} if it may. */
  @Nullable String usableFailure(IpAddress ip, PoolState p, ServiceRequest r) {
    if (!p.offers(ip)) {
      return ip + " ends in .0 or .255, which pool '" + p.pool.name() + "' avoids";
    }
    Object h = holders.get(ip);
    if (h == null) {
      return null;
    }
    String[] refusal = {null};
    forEachHolder(
        h,
        a -> {
          if (refusal[0] == null && !a.key().equals(r.key())) {
            String why = a.sharingRefusal(r, p.pool.name(), p.pool.crossNamespaceSharing());
            if (why != null) {
              refusal[0] = ip + " is already used by " + a.key() + why;
            }
          }
        });
    return refusal[0];
  }

  /** Lowest IP of {@code family} in {@code p} already held under {@code r}'s sharing key. */
  @Nullable IpAddress lowestShareable(PoolState p, Family family, ServiceRequest r) {
    TreeSet<IpAddress> ips = r.sharingKey() == null ? null : shared.get(r.sharingKey());
    if (ips != null) {
      for (IpAddress ip : ips) {
        if (ip.family() == family && p.pool.contains(ip) && usableFailure(ip, p, r) == null) {
          return ip;
        }
      }
    }
    return null;
  }

  // ---- bookkeeping ----

  private void bind(Assignment a) {
    assignments.put(a.key(), a);
    for (IpAddress ip : a.ips()) {
      Object h = holders.get(ip);
      if (h == null) {
        holders.put(ip, a);
        PoolState p = poolOf(ip);
        if (p != null) {
          p.markUsed(ip);
        }
        if (a.sharingKey() != null) {
          shared.computeIfAbsent(a.sharingKey(), k -> new TreeSet<>()).add(ip);
        }
      } else if (h instanceof Assignment other) {
        holders.put(ip, new Assignment[] {other, a});
      } else {
        Assignment[] old = (Assignment[]) h;
        Assignment[] grown = java.util.Arrays.copyOf(old, old.length + 1);
        grown[old.length] = a;
        holders.put(ip, grown);
      }
    }
  }

  private void unbind(Assignment a) {
    for (IpAddress ip : a.ips()) {
      Object h = holders.get(ip);
      if (h == a) {
        holders.remove(ip);
        PoolState p = poolOf(ip);
        if (p != null) {
          p.markFree(ip);
        }
        TreeSet<IpAddress> ips = a.sharingKey() == null ? null : shared.get(a.sharingKey());
        if (ips != null) {
          ips.remove(ip);
          if (ips.isEmpty()) {
            shared.remove(a.sharingKey());
          }
        }
      } else if (h instanceof Assignment[] many) {
        List<Assignment> rest = new ArrayList<>(List.of(many));
        rest.remove(a);
        holders.put(ip, rest.size() == 1 ? rest.get(0) : rest.toArray(new Assignment[0]));
      }
    }
  }

  private static void forEachHolder(
      @Nullable Object h, java.util.function.Consumer<Assignment> action) {
    if (h instanceof Assignment a) {
      action.accept(a);
    } else if (h instanceof Assignment[] many) {
      for (Assignment a : many) {
        action.accept(a);
      }
    }
  }
}
