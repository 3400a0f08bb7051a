package io.heraldlb.speaker.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.heraldlb.config.ConfigParser;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.ParseResult;
import io.heraldlb.config.PoolConfig;
import io.heraldlb.speaker.election.ElectionResult;
import io.heraldlb.speaker.election.NoWinnerReason;
import io.heraldlb.speaker.election.NodeFacts;
import io.heraldlb.speaker.election.TrafficPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {
  static final IpAddress VIP = IpAddress.parse("192.168.1.240");
  static final IpAddress DMZ = IpAddress.parse("203.0.113.9");

  static final PoolConfig POOLS =
      ((ParseResult.Valid)
              ConfigParser.parse(
                  Map.of(
                      "pools.conf",
                      """
                      pools {
                        default { addresses = ["192.168.1.240-192.168.1.250"] }
                        dmz {
                          addresses = ["203.0.113.8/29"]
                          node-selector { zone = edge }
                          interfaces = [eth1]
                        }
                      }
                      """)))
          .config();

  static final Map<String, NodeFacts> NODES =
      Map.of(
          "a", new NodeFacts("a", Map.of("zone", "edge"), false),
          "b", new NodeFacts("b", Map.of(), false),
          "c", new NodeFacts("c", Map.of(), false));

  static ServiceInfo svc(String name, TrafficPolicy policy, IpAddress... ips) {
    return new ServiceInfo("default", name, "uid-" + name, List.of(ips), policy);
  }

  static ClusterSnapshot snapshot(
      List<ServiceInfo> services, Map<String, Set<String>> endpoints, Set<String> members) {
    return new ClusterSnapshot(services, endpoints, NODES, POOLS, members);
  }

  @Test
  void servicesSharingAnAddressGetOnePlanAndOneWinner() {
    Map<IpAddress, IpPlan> plans =
        Planner.plan(
            snapshot(
                List.of(
                    svc("web", TrafficPolicy.CLUSTER, VIP), svc("dns", TrafficPolicy.CLUSTER, VIP)),
                Map.of(),
                Set.of("a", "b", "c")));
    assertEquals(Set.of(VIP), plans.keySet());
    IpPlan plan = plans.get(VIP);
    assertEquals("default/dns,default/web", plan.serviceNames());
    assertEquals(Optional.of("default"), plan.pool());
    assertInstanceOf(ElectionResult.Won.class, plan.result());
  }

  @Test
  void theSameSnapshotGivesTheSameWinnerOnEveryNode() {
    ClusterSnapshot s =
        snapshot(List.of(svc("web", TrafficPolicy.CLUSTER, VIP)), Map.of(), Set.of("a", "b", "c"));
    ClusterSnapshot shuffled =
        snapshot(List.of(svc("web", TrafficPolicy.CLUSTER, VIP)), Map.of(), Set.of("c", "b", "a"));
    assertEquals(Planner.plan(s).get(VIP).result(), Planner.plan(shuffled).get(VIP).result());
  }

  @Test
  void localTrafficPolicyKeepsOnlyNodesWithAReadyEndpoint() {
    ClusterSnapshot s =
        snapshot(
            List.of(svc("web", TrafficPolicy.LOCAL, VIP)),
            Map.of("default/web", Set.of("c")),
            Set.of("a", "b", "c"));
    assertEquals(Optional.of("c"), Planner.plan(s).get(VIP).result().winner());
  }

  @Test
  void localWithoutAnyEndpointHasNoWinnerAndSaysWhy() {
    ClusterSnapshot s =
        snapshot(List.of(svc("web", TrafficPolicy.LOCAL, VIP)), Map.of(), Set.of("a", "b"));
    ElectionResult.NoWinner nw =
        assertInstanceOf(ElectionResult.NoWinner.class, Planner.plan(s).get(VIP).result());
    assertEquals(NoWinnerReason.NO_READY_ENDPOINT, nw.reason());
  }

  @Test
  void thePoolsNodeSelectorAndInterfacesApplyToItsAddresses() {
    IpPlan plan =
        Planner.plan(
                snapshot(
                    List.of(svc("edge", TrafficPolicy.CLUSTER, DMZ)),
                    Map.of(),
                    Set.of("a", "b", "c")))
            .get(DMZ);
    assertEquals(Optional.of("a"), plan.result().winner());
    assertEquals(List.of("eth1"), plan.poolInterfaces());
    assertEquals(List.of("eth1"), Planner.interfaces(plan, Set.of("eth0"), Set.of("eth0", "eth1")));
    assertEquals(List.of(), Planner.interfaces(plan, Set.of("eth0"), Set.of("eth0")));
  }

  @Test
  void anAddressNoPoolContainsIsAnnouncedByNobodyAndSaysWhy() {
    IpAddress stray = IpAddress.parse("10.1.1.1");
    IpPlan plan =
        Planner.plan(
                snapshot(List.of(svc("old", TrafficPolicy.CLUSTER, stray)), Map.of(), Set.of("b")))
            .get(stray);
    assertEquals(Optional.empty(), plan.pool());
    assertEquals(Optional.empty(), plan.result().winner());
    ElectionResult.NoWinner nw = assertInstanceOf(ElectionResult.NoWinner.class, plan.result());
    assertEquals(NoWinnerReason.NOT_IN_ANY_POOL, nw.reason());
    assertEquals(
        "10.1.1.1 is in no pool of the configuration, so nobody announces it", nw.message());
  }

  @Test
  void withoutAnyConfigurationNothingIsAnnounced() {
    Map<IpAddress, IpPlan> plans =
        Planner.plan(
            new ClusterSnapshot(
                List.of(svc("web", TrafficPolicy.CLUSTER, VIP)),
                Map.of(),
                NODES,
                PoolConfig.EMPTY,
                Set.of("a", "b")));
    assertEquals(Optional.empty(), plans.get(VIP).result().winner());
    assertEquals(
        "192.168.1.240 is in no pool: no pool configuration has been loaded yet, so nobody"
            + " announces it",
        ((ElectionResult.NoWinner) plans.get(VIP).result()).message());
  }

  static final PoolConfig ADVERTISED =
      ((ParseResult.Valid)
              ConfigParser.parse(
                  Map.of(
                      "pools.conf",
                      """
                      pools {
                        split {
                          addresses = ["10.7.0.0/24"]
                          advertisements = [
                            { node-selector { zone = edge }, interfaces = [eth1] }
                            { node-selector = [{ rack = r1 }, { rack = r2 }] }
                          ]
                        }
                        dark { addresses = ["10.8.0.0/28"], advertisements = [] }
                      }
                      """)))
          .config();

  @Test
  void eachAddressIsAnnouncedOnTheInterfacesOfTheAdvertisementsCoveringItsWinner() {
    Map<String, NodeFacts> nodes =
        Map.of(
            "a", new NodeFacts("a", Map.of("zone", "edge"), false),
            "b", new NodeFacts("b", Map.of("rack", "r2"), false),
            "c", new NodeFacts("c", Map.of(), false));
    int seenA = 0;
    int seenB = 0;
    for (int i = 0; i < 32; i++) {
      IpAddress ip = IpAddress.parse("10.7.0." + i);
      IpPlan plan =
          Planner.plan(
                  new ClusterSnapshot(
                      List.of(svc("s" + i, TrafficPolicy.CLUSTER, ip)),
                      Map.of(),
                      nodes,
                      ADVERTISED,
                      Set.of("a", "b", "c")))
              .get(ip);
      String winner = plan.result().winner().orElseThrow();
      assertEquals(false, winner.equals("c"), "c is covered by no advertisement");
      if (winner.equals("a")) {
        seenA++;
        assertEquals(List.of("eth1"), plan.poolInterfaces());
      } else {
        seenB++;
        assertEquals(List.of(), plan.poolInterfaces(), "b's advertisement names no interfaces");
      }
    }
    assertEquals(
        true, seenA > 0 && seenB > 0, "both covered nodes win some: " + seenA + "/" + seenB);
  }

  @Test
  void aPoolNoAdvertisementCoversIsAnnouncedByNobodyAndSaysWhy() {
    IpAddress ip = IpAddress.parse("10.8.0.1");
    IpPlan plan =
        Planner.plan(
                new ClusterSnapshot(
                    List.of(svc("dark", TrafficPolicy.CLUSTER, ip)),
                    Map.of(),
                    NODES,
                    ADVERTISED,
                    Set.of("a", "b")))
            .get(ip);
    assertEquals(Optional.of("dark"), plan.pool());
    ElectionResult.NoWinner nw = assertInstanceOf(ElectionResult.NoWinner.class, plan.result());
    assertEquals(NoWinnerReason.NOT_ADVERTISED, nw.reason());
    assertEquals(
        "10.8.0.1 is in pool dark, which no L2Advertisement covers: assigned, but nobody announces"
            + " it",
        nw.message());
  }
}
