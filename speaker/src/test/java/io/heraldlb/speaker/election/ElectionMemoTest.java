package io.heraldlb.speaker.election;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heraldlb.config.IpAddress;
import io.heraldlb.config.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ElectionMemoTest {
  static final LabelSelector LINUX = ElectionTest.LINUX;
  static final ServiceFacts CLUSTER = new ServiceFacts(TrafficPolicy.CLUSTER, Set.of());

  static List<IpAddress> addresses(int n) {
    List<IpAddress> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(IpAddress.parse("10.200." + (i / 250) + "." + (1 + i % 250)));
    }
    return out;
  }

  /** One plan round over {@code ips}: the memo's answers next to a fresh election's. */
  static void round(ClusterFacts cluster, List<IpAddress> ips, ServiceFacts svc, ElectionMemo m) {
    Election election = new Election(cluster);
    for (IpAddress ip : ips) {
      assertEquals(
          election.elect(ip, svc, NodeRule.of(LINUX)),
          election.elect(ip, svc, NodeRule.of(LINUX), m),
          ip + " with " + cluster.liveMembers());
    }
    m.endRound();
  }

  @Test
  void winnersFromTheMemoAreTheWinnersAFreshElectionFinds() {
    List<String> abcd = ElectionTest.ABCD;
    List<IpAddress> ips = addresses(300);
    ElectionMemo memo = new ElectionMemo();
    ClusterFacts all = ElectionTest.allLive(abcd);
    round(all, ips, CLUSTER, memo);
    round(all, ips, CLUSTER, memo); // all from the memo
    // node-b leaves: every address it won moves, the others stay
    ClusterFacts withoutB =
        ElectionTest.cluster(
            Set.of("node-a", "node-c", "node-d"),
            abcd.stream().map(n -> ElectionTest.node(n)).toArray(NodeFacts[]::new));
    round(withoutB, ips, CLUSTER, memo);
    round(all, ips, CLUSTER, memo); // and comes back
    // node-c stops matching the pool's selector
    ClusterFacts cOff =
        ElectionTest.cluster(
            Set.copyOf(abcd),
            ElectionTest.node("node-a"),
            ElectionTest.node("node-b"),
            new NodeFacts("node-c", Map.of("kubernetes.io/os", "windows"), false),
            ElectionTest.node("node-d"));
    round(cOff, ips, CLUSTER, memo);
    // Local policy: only nodes with an endpoint, then none at all (no winner, nothing remembered)
    round(all, ips, new ServiceFacts(TrafficPolicy.LOCAL, Set.of("node-d")), memo);
    round(all, ips, new ServiceFacts(TrafficPolicy.LOCAL, Set.of()), memo);
    assertEquals(0, memo.size());
    round(all, ips, CLUSTER, memo);
  }

  @Test
  void anAddressARoundDidNotElectIsForgotten() {
    ElectionMemo memo = new ElectionMemo();
    ClusterFacts all = ElectionTest.allLive(ElectionTest.ABCD);
    round(all, addresses(300), CLUSTER, memo);
    assertEquals(300, memo.size());
    round(all, addresses(10), CLUSTER, memo);
    assertEquals(10, memo.size());
  }
}
