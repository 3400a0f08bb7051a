package io.heraldlb.speaker.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.IpAddress;
import io.heraldlb.config.LabelSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ElectionTest {

  static final IpAddress V4 = IpAddress.parse("192.0.2.10");
  static final List<String> ABCD = List.of("node-a", "node-b", "node-c", "node-d");
  static final LabelSelector LINUX = new LabelSelector(Map.of("kubernetes.io/os", "linux"));

  static NodeFacts node(String name, String... labels) {
    Map<String, String> map = new HashMap<>();
    map.put("kubernetes.io/os", "linux");
    for (int i = 0; i < labels.length; i += 2) {
      map.put(labels[i], labels[i + 1]);
    }
    return new NodeFacts(name, map, false);
  }

  static ClusterFacts cluster(Set<String> live, NodeFacts... nodes) {
    Map<String, NodeFacts> byName = new LinkedHashMap<>();
    for (NodeFacts n : nodes) {
      byName.put(n.name(), n);
    }
    return new ClusterFacts(live, byName);
  }

  static ClusterFacts allLive(List<String> names) {
    return cluster(Set.copyOf(names), names.stream().map(n -> node(n)).toArray(NodeFacts[]::new));
  }

  static Optional<String> winner(IpAddress ip, ClusterFacts cluster) {
    return Election.elect(ip, ServiceFacts.cluster(), LabelSelector.EVERYTHING, cluster).winner();
  }

  @Test
  void picksTheNodeWithTheSmallestHashOfNameAndIp() {
    // Expected winners computed outside Java: sha256("node-d#192.0.2.10") starts 1e377524, the
    // smallest of the four; for 2001:db8::10 node-b's starts 21d5668f.
    assertEquals(Optional.of("node-d"), winner(V4, allLive(ABCD)));
    assertEquals(Optional.of("node-b"), winner(IpAddress.parse("2001:db8::10"), allLive(ABCD)));
    assertEquals(Optional.of("node-d"), winner(IpAddress.parse("198.51.100.7"), allLive(ABCD)));
  }

  @Test
  void hashesTheCanonicalTextOfIpv6Addresses() {
    IpAddress spelledLong = IpAddress.parse("2001:0DB8:0:0::0010");

    assertEquals(Optional.of("node-b"), winner(spelledLong, allLive(ABCD)));
  }

  @Test
  void ranksByUnsignedBytes() {
    // node-a's hash for 192.0.2.10 starts with 0xd4, negative as a signed byte: it must lose.
    assertTrue(Election.rank("node-a", V4)[0] < 0);
    assertEquals(Optional.of("node-c"), winner(V4, allLive(List.of("node-a", "node-c"))));
  }

  @Test
  void electsTheSameWinnerWhateverTheOrderOfInputs() {
    Random random = new Random(7);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      names.add("worker-" + i);
    }
    for (int ipIndex = 0; ipIndex < 50; ipIndex++) {
      IpAddress ip = IpAddress.parse("10.0." + ipIndex + ".1");
      Optional<String> first = winner(ip, allLive(names));
      for (int round = 0; round < 5; round++) {
        List<String> shuffled = new ArrayList<>(names);
        Collections.shuffle(shuffled, random);
        assertEquals(first, winner(ip, shuffledCluster(shuffled)));
      }
      assertEquals(Optional.of(bruteForceWinner(names, ip)), first);
    }
  }

  private static ClusterFacts shuffledCluster(List<String> order) {
    Map<String, NodeFacts> nodes = new LinkedHashMap<>();
    order.forEach(n -> nodes.put(n, node(n)));
    return new ClusterFacts(new LinkedHashSet<>(order), nodes);
  }

  private static String bruteForceWinner(List<String> names, IpAddress ip) {
    String best = null;
    for (String n : names) {
      if (best == null
          || new java.math.BigInteger(1, Election.rank(n, ip))
                  .compareTo(new java.math.BigInteger(1, Election.rank(best, ip)))
              < 0) {
        best = n;
      }
    }
    return best;
  }

  @Test
  void servicesSharingAnIpElectTheSameNode() {
    ClusterFacts cluster = allLive(ABCD);
    Election election = new Election(cluster);

    var forCluster = election.elect(V4, ServiceFacts.cluster(), LabelSelector.EVERYTHING);
    var forLocalEverywhere =
        election.elect(V4, ServiceFacts.local(Set.copyOf(ABCD)), LabelSelector.EVERYTHING);

    assertEquals(forCluster, forLocalEverywhere);
  }

  @Test
  void losingANonWinnerLeavesTheWinnerInPlace() {
    // node-d wins 192.0.2.10, then node-c, node-b, node-a.
    assertEquals(Optional.of("node-d"), winner(V4, allLive(List.of("node-a", "node-b", "node-d"))));
    assertEquals(Optional.of("node-c"), winner(V4, allLive(List.of("node-a", "node-b", "node-c"))));
  }

  @Test
  void localPolicyElectsOnlyAmongNodesWithAReadyEndpoint() {
    var result =
        Election.elect(
            V4,
            ServiceFacts.local(Set.of("node-a", "node-b")),
            LabelSelector.EVERYTHING,
            allLive(ABCD));

    assertEquals(Optional.of("node-b"), result.winner());
  }

  @Test
  void clusterPolicyIgnoresEndpointLocations() {
    var service = new ServiceFacts(TrafficPolicy.CLUSTER, Set.of("node-a"));

    assertEquals(
        Optional.of("node-d"),
        Election.elect(V4, service, LabelSelector.EVERYTHING, allLive(ABCD)).winner());
  }

  @Test
  void skipsExcludedUnavailableAndUnselectedNodes() {
    ClusterFacts cluster =
        cluster(
            Set.copyOf(ABCD),
            node("node-a"),
            node("node-b"),
            node("node-c", "kubernetes.io/os", "windows"),
            node("node-d", NodeFacts.EXCLUDE_LABEL, ""));

    assertEquals(
        Optional.of("node-b"), Election.elect(V4, ServiceFacts.cluster(), LINUX, cluster).winner());
    ClusterFacts bDown =
        cluster(
            Set.copyOf(ABCD),
            node("node-a"),
            new NodeFacts("node-b", Map.of("kubernetes.io/os", "linux"), true),
            node("node-c", "kubernetes.io/os", "windows"),
            node("node-d", NodeFacts.EXCLUDE_LABEL, "false"));
    assertEquals(
        Optional.of("node-a"), Election.elect(V4, ServiceFacts.cluster(), LINUX, bDown).winner());
  }

  @Test
  void ignoresKnownNodesWithoutALiveSpeaker() {
    ClusterFacts cluster = cluster(Set.of("node-a"), node("node-a"), node("node-d"));

    assertEquals(Optional.of("node-a"), winner(V4, cluster));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noCandidate")
  void explainsWhyThereIsNoWinner(
      NoWinnerReason expected,
      ServiceFacts service,
      LabelSelector selector,
      ClusterFacts cluster,
      String phrase) {
    ElectionResult result = Election.elect(V4, service, selector, cluster);

    var none = assertInstanceOf(ElectionResult.NoWinner.class, result);
    assertEquals(expected, none.reason());
    assertEquals(Optional.empty(), result.winner());
    assertTrue(none.message().contains(phrase), none.message());
    assertTrue(none.message().contains("192.0.2.10"), none.message());
  }

  static Stream<Arguments> noCandidate() {
    Set<String> ab = Set.of("node-a", "node-b");
    return Stream.of(
        Arguments.of(
            NoWinnerReason.NO_LIVE_SPEAKER,
            ServiceFacts.cluster(),
            LabelSelector.EVERYTHING,
            cluster(Set.of(), node("node-a")),
            "no live speaker"),
        Arguments.of(
            NoWinnerReason.NO_KNOWN_NODE,
            ServiceFacts.cluster(),
            LabelSelector.EVERYTHING,
            cluster(Set.of("ghost"), node("node-a")),
            "unknown node: ghost"),
        Arguments.of(
            NoWinnerReason.EXCLUDED_BY_LABEL,
            ServiceFacts.cluster(),
            LabelSelector.EVERYTHING,
            cluster(
                ab,
                node("node-a", NodeFacts.EXCLUDE_LABEL, "true"),
                node("node-b", NodeFacts.EXCLUDE_LABEL, "")),
            "all candidates excluded by label " + NodeFacts.EXCLUDE_LABEL),
        Arguments.of(
            NoWinnerReason.NETWORK_UNAVAILABLE,
            ServiceFacts.cluster(),
            LabelSelector.EVERYTHING,
            cluster(
                ab,
                node("node-a", NodeFacts.EXCLUDE_LABEL, "true"),
                new NodeFacts("node-b", Map.of(), true)),
            "excluded by label: node-a; NetworkUnavailable: node-b"),
        Arguments.of(
            NoWinnerReason.OUTSIDE_NODE_SELECTOR,
            ServiceFacts.cluster(),
            new LabelSelector(Map.of("zone", "dmz")),
            cluster(ab, node("node-a"), node("node-b")),
            "node-selector zone=dmz"),
        Arguments.of(
            NoWinnerReason.NO_READY_ENDPOINT,
            ServiceFacts.local(Set.of("node-c")),
            LabelSelector.EVERYTHING,
            cluster(ab, node("node-a"), node("node-b"), node("node-c")),
            "no node has a ready endpoint (externalTrafficPolicy: Local)"),
        Arguments.of(
            NoWinnerReason.NO_READY_ENDPOINT,
            ServiceFacts.local(Set.of()),
            LINUX,
            cluster(ab, node("node-a"), node("node-b", "kubernetes.io/os", "windows")),
            "outside node-selector: node-b; no ready endpoint: node-a"));
  }

  @Test
  void shortensLongNodeListsInTheMessage() {
    Set<String> live = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      live.add("n" + (char) ('a' + i));
    }
    var none =
        (ElectionResult.NoWinner)
            Election.elect(V4, ServiceFacts.cluster(), LabelSelector.EVERYTHING, cluster(live));

    assertTrue(none.message().contains("na, nb, nc, nd, ne and 7 more"), none.message());
  }

  @Test
  void electsThousandsOfIpsWithOnePreparedElection() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      names.add("worker-" + i);
    }
    Election election = new Election(allLive(names));
    Map<String, Integer> wins = new HashMap<>();
    IpAddress ip = IpAddress.parse("10.1.0.0");
    for (int i = 0; i < 5000; i++) {
      var result = election.elect(ip, ServiceFacts.cluster(), LabelSelector.EVERYTHING);
      wins.merge(result.winner().orElseThrow(), 1, Integer::sum);
      ip = ip.next();
    }
    // The hash spreads addresses: every node wins some, none wins a tenth.
    assertEquals(100, wins.size());
    assertTrue(wins.values().stream().allMatch(n -> n < 500), wins.toString());
  }
}
