package io.heraldlb.speaker.plan;

import io.heraldlb.config.IpAddress;
import io.heraldlb.config.Pool;
import io.heraldlb.speaker.election.ClusterFacts;
import io.heraldlb.speaker.election.Election;
import io.heraldlb.speaker.election.ElectionMemo;
import io.heraldlb.speaker.election.ElectionResult;
import io.heraldlb.speaker.election.NoWinnerReason;
import io.heraldlb.speaker.election.NodeRule;
import io.heraldlb.speaker.election.ServiceFacts;
import io.heraldlb.speaker.election.TrafficPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs the election for every announced address of a snapshot. Pure: the same snapshot gives the
 * same plans on every node, which is what keeps exactly one node answering.
 */
public final class Planner {
  private Planner() {}

  /** Plans for every address in use, in address order. */
  public static Map<IpAddress, IpPlan> plan(ClusterSnapshot s) {
    return plan(s, new ElectionMemo());
  }

  /**
   * As {@link #plan(ClusterSnapshot)}, with the winners of the previous call kept in {@code memo}:
   * after a change to one Service only the addresses whose candidates changed are hashed again.
   */
  public static Map<IpAddress, IpPlan> plan(ClusterSnapshot s, ElectionMemo memo) {
    Map<IpAddress, List<ServiceInfo>> byIp = new TreeMap<>();
    for (ServiceInfo svc : s.services()) {
      for (IpAddress ip : new HashSet<>(svc.ips())) {
        byIp.computeIfAbsent(ip, k -> new ArrayList<>()).add(svc);
      }
    }
    Election election = new Election(new ClusterFacts(s.members(), s.nodes()));
    Map<IpAddress, IpPlan> out = new TreeMap<>();
    byIp.forEach(
        (ip, services) -> {
          services.sort(Comparator.comparing(ServiceInfo::key));
          Optional<Pool> pool = s.config().poolOf(ip);
          if (pool.isEmpty()) {
            // A hand edit, a removed pool's leftover, another load balancer's node IPs: never
            // announce an address HeraldLB was not given.
            out.put(
                ip, new IpPlan(ip, services, pool.map(Pool::name), List.of(), notInAnyPool(ip, s)));
            return;
          }
          Pool p = pool.get();
          if (!p.advertised()) {
            out.put(
                ip,
                new IpPlan(ip, services, pool.map(Pool::name), List.of(), notAdvertised(ip, p)));
            return;
          }
          ElectionResult result =
              election.elect(ip, facts(services, s.endpointNodes()), NodeRule.of(p), memo);
          // The winner's advertisements say where it announces; every node computes the same.
          List<String> interfaces =
              result
                  .winner()
                  .map(w -> s.nodes().get(w))
                  .map(n -> p.interfacesOn(n.labels()))
                  .orElse(List.of());
          out.put(ip, new IpPlan(ip, services, pool.map(Pool::name), interfaces, result));
        });
    memo.endRound();
    return out;
  }

  private static ElectionResult.NoWinner notAdvertised(IpAddress ip, Pool pool) {
    return new ElectionResult.NoWinner(
        NoWinnerReason.NOT_ADVERTISED,
        ip
            + " is in pool "
            + pool.name()
            + ", which no L2Advertisement covers: assigned, but nobody announces it");
  }

  private static ElectionResult.NoWinner notInAnyPool(IpAddress ip, ClusterSnapshot s) {
    String why =
        s.config().pools().isEmpty()
            ? " is in no pool: no pool configuration has been loaded yet"
            : " is in no pool of the configuration";
    return new ElectionResult.NoWinner(
        NoWinnerReason.NOT_IN_ANY_POOL, ip + why + ", so nobody announces it");
  }

  /**
   * Services may share an address only with the same traffic policy (and, for Local, the same
   * pods), so the union of their endpoint nodes is the honest answer even if that rule was bent.
   */
  static ServiceFacts facts(List<ServiceInfo> services, Map<String, Set<String>> endpointNodes) {
    Set<String> nodes = new HashSet<>();
    boolean local = false;
    for (ServiceInfo svc : services) {
      if (svc.policy() == TrafficPolicy.LOCAL) {
        local = true;
        nodes.addAll(endpointNodes.getOrDefault(svc.key(), Set.of()));
      }
    }
    return local ? ServiceFacts.local(nodes) : ServiceFacts.cluster();
  }

  /** Interfaces for an address this node won: the pool's, else the defaults; only open ones. */
  public static List<String> interfaces(
      IpPlan plan, Set<String> defaults, Set<String> openInterfaces) {
    List<String> wanted =
        plan.poolInterfaces().isEmpty() ? List.copyOf(defaults) : plan.poolInterfaces();
    return wanted.stream().filter(openInterfaces::contains).sorted().toList();
  }
}
