package io.heraldlb.allocator.ipam;

import io.heraldlb.config.Family;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.Pool;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One run of the allocation rules for one Service against the current state: requested IPs, pool
 * choice and order, families, sharing. Its {@link Outcome} is either the IPs and pool, or the
 * reason there are none. Reads the {@link Ipam}'s state and changes nothing.
 */
final class Allocation {
  private final Ipam ipam;
  private final ServiceRequest r;
  private final List<IpAddress> prior;

  /** What one run decides. */
  sealed interface Outcome {
    /** The IPs to hold, and the pool (or pools, comma-joined) they come from. */
    record Chosen(String pool, List<IpAddress> ips) implements Outcome {}

    /** Why the Service gets no IP. */
    record Refused(String reason) implements Outcome {}
  }

  Allocation(Ipam ipam, ServiceRequest request, List<IpAddress> prior) {
    this.ipam = ipam;
    this.r = request;
    this.prior = prior;
  }

  static boolean poolAllowed(Pool p, ServiceRequest r) {
    return p.allows(r.key().namespace(), r.namespaceLabels(), r.labels())
        && (r.requestedPool() == null || r.requestedPool().equals(p.name()));
  }

  Outcome run() {
    String failure = checkRequestedIps();
    if (failure != null) {
      return new Outcome.Refused(failure);
    }
    List<PoolState> candidates = candidatePools();
    if (!r.requestedIps().isEmpty()) {
      return takeRequested(candidates);
    }
    return candidates.isEmpty() ? new Outcome.Refused(whyNoPool()) : allocate(candidates);
  }

  private @Nullable String checkRequestedIps() {
    Set<Family> seen = EnumSet.noneOf(Family.class);
    for (IpAddress ip : r.requestedIps()) {
      if (!seen.add(ip.family())) {
        return "more than one "
            + ip.family().kubernetesName()
            + " address requested; ask for at most one per family";
      }
      if (!r.families().isEmpty() && !r.families().contains(ip.family())) {
        return "requested IP "
            + ip
            + " is "
            + ip.family().kubernetesName()
            + ", but the Service's ipFamilies are "
            + familyNames(r.families());
      }
    }
    if (!r.requestedIps().isEmpty()
        && r.policy() == FamilyPolicy.REQUIRE_DUAL_STACK
        && seen.size() < 2) {
      return "ipFamilyPolicy RequireDualStack needs one requested IP per family";
    }
    return null;
  }

  private List<PoolState> candidatePools() {
    boolean explicit = !r.requestedIps().isEmpty() || r.requestedPool() != null;
    List<PoolState> out = new ArrayList<>();
    for (PoolState p : ipam.pools()) {
      if (poolAllowed(p.pool, r) && (explicit || p.pool.autoAssign())) {
        out.add(p);
      }
    }
    return out;
  }

  private String whyNoPool() {
    String requested = r.requestedPool();
    if (requested != null) {
      PoolState p = ipam.pool(requested);
      if (p == null) {
        return "pool '" + requested + "' (address-pool annotation) does not exist";
      }
      return "pool '" + requested + "' may not be used by this Service: " + refusal(p.pool);
    }
    List<String> allowed = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    boolean any = false;
    for (PoolState p : ipam.pools()) {
      any = true;
      if (poolAllowed(p.pool, r)) {
        allowed.add(p.pool.name());
      } else {
        refusals.add("pool '" + p.pool.name() + "': " + refusal(p.pool));
      }
    }
    if (!any) {
      return "no address pools are configured";
    }
    if (!allowed.isEmpty()) {
      return "the pools this Service may use ("
          + String.join(", ", allowed)
          + ") have auto-assign = false: request an IP or a pool explicitly";
    }
    return "no pool may be used by Services in namespace '"
        + r.key().namespace()
        + "'"
        + (r.labels().isEmpty() ? "" : " with labels " + r.labels())
        + (refusals.size() > MAX_REFUSALS_NAMED ? "" : " (" + String.join("; ", refusals) + ")");
  }

  /** With more pools than this, naming why each refuses would drown the reason. */
  private static final int MAX_REFUSALS_NAMED = 3;

  private String refusal(Pool p) {
    if (!p.allowsNamespace(r.key().namespace(), r.namespaceLabels())) {
      if (p.namespaceSelector().isEmpty()) {
        return "it is limited to namespaces " + p.namespaces().stream().sorted().toList();
      }
      return "it is limited to namespaces "
          + (p.namespaces().isEmpty()
              ? ""
              : p.namespaces().stream().sorted().toList() + " and those ")
          + "labelled "
          + p.namespaceSelector();
    }
    return "the Service's labels do not match its service-selector " + p.serviceSelector();
  }

  private Outcome takeRequested(List<PoolState> candidates) {
    Set<String> poolNames = new LinkedHashSet<>();
    for (IpAddress ip : r.requestedIps()) {
      PoolState p = ipam.poolOf(ip);
      if (p == null) {
        return new Outcome.Refused("requested IP " + ip + " is not in any pool");
      }
      if (!candidates.contains(p)) {
        return new Outcome.Refused(
            r.requestedPool() != null && !r.requestedPool().equals(p.pool.name())
                ? "requested IP "
                    + ip
                    + " is in pool '"
                    + p.pool.name()
                    + "', not in the requested pool '"
                    + r.requestedPool()
                    + "'"
                : "requested IP "
                    + ip
                    + " is in pool '"
                    + p.pool.name()
                    + "', which this Service may not use: "
                    + refusal(p.pool));
      }
      String problem = ipam.usableFailure(ip, p, r);
      if (problem != null) {
        return new Outcome.Refused("requested IP " + problem);
      }
      poolNames.add(p.pool.name());
    }
    return new Outcome.Chosen(String.join(",", poolNames), r.requestedIps());
  }

  private Outcome allocate(List<PoolState> candidates) {
    List<PoolState> ordered = new ArrayList<>(candidates);
    // The pool of an IP the Service already has goes first, so that restarts change nothing.
    for (IpAddress ip : prior) {
      PoolState p = ipam.poolOf(ip);
      if (p != null && ordered.remove(p)) {
        ordered.add(0, p);
        break;
      }
    }
    List<List<Family>> plans = familyPlans();
    for (List<Family> plan : plans) {
      for (PoolState p : ordered) {
        List<IpAddress> picked = pick(p, plan);
        if (picked != null) {
          return new Outcome.Chosen(p.pool.name(), picked);
        }
      }
    }
    String names = ordered.stream().map(p -> p.pool.name()).collect(Collectors.joining(", "));
    List<Family> wanted = plans.get(0);
    return new Outcome.Refused(
        wanted.size() > 1 && r.policy() == FamilyPolicy.REQUIRE_DUAL_STACK
            ? "no pool has both a free IPv4 and a free IPv6 address (RequireDualStack; tried "
                + names
                + ")"
            : "no free "
                + (plans.size() > 1 && wanted.size() == 1 ? "" : familyNames(wanted) + " ")
                + "address left in "
                + (ordered.size() == 1 ? "pool " : "pools ")
                + names);
  }

  /** One IP per family of {@code plan} from {@code p}, or {@code null} if it cannot give them. */
  private @Nullable List<IpAddress> pick(PoolState p, List<Family> plan) {
    List<IpAddress> out = new ArrayList<>(plan.size());
    for (Family f : plan) {
      IpAddress ip = priorOf(p, f);
      if (ip == null) {
        ip = ipam.lowestShareable(p, f, r);
      }
      if (ip == null) {
        ip = p.lowestFree(f);
      }
      if (ip == null) {
        return null;
      }
      out.add(ip);
    }
    return out;
  }

  private @Nullable IpAddress priorOf(PoolState p, Family f) {
    for (IpAddress ip : prior) {
      if (ip.family() == f && p.pool.contains(ip) && ipam.usableFailure(ip, p, r) == null) {
        return ip;
      }
    }
    return null;
  }

  /** The family sets to try, best first, per {@code ipFamilies} and {@code ipFamilyPolicy}. */
  private List<List<Family>> familyPlans() {
    List<Family> fams = new ArrayList<>(r.families());
    if (fams.isEmpty()) {
      // Unknown families: IPv4 first, unless the Service already holds an IPv6 address.
      boolean v6First = !prior.isEmpty() && !prior.get(0).isV4();
      fams = v6First ? List.of(Family.IPV6, Family.IPV4) : List.of(Family.IPV4, Family.IPV6);
      if (r.policy() == FamilyPolicy.SINGLE_STACK) {
        return List.of(List.of(fams.get(0)), List.of(fams.get(1)));
      }
    }
    Family primary = fams.get(0);
    Family other = primary == Family.IPV4 ? Family.IPV6 : Family.IPV4;
    List<Family> both = List.of(primary, other);
    return switch (r.policy()) {
      case SINGLE_STACK -> List.of(List.of(primary));
      case REQUIRE_DUAL_STACK -> List.of(both);
      case PREFER_DUAL_STACK -> {
        if (r.families().isEmpty()) {
          yield List.of(both, List.of(primary), List.of(other));
        }
        // A single-stack cluster lists one family even for PreferDualStack: stay within it.
        yield fams.size() > 1 ? List.of(both, List.of(primary)) : List.of(List.of(primary));
      }
    };
  }

  private static String familyNames(List<Family> families) {
    return families.stream().map(Family::kubernetesName).collect(Collectors.joining("+"));
  }
}
