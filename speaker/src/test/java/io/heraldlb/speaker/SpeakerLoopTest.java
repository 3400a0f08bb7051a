package io.heraldlb.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.ConfigParser;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.ParseResult;
import io.heraldlb.config.PoolConfig;
import io.heraldlb.kube.PoolSource;
import io.heraldlb.speaker.announce.Announcer;
import io.heraldlb.speaker.election.NodeFacts;
import io.heraldlb.speaker.election.Quorum;
import io.heraldlb.speaker.election.TrafficPolicy;
import io.heraldlb.speaker.kube.ClusterSource;
import io.heraldlb.speaker.kube.EventSink;
import io.heraldlb.speaker.metrics.SpeakerMetrics;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.plan.ClusterSnapshot;
import io.heraldlb.speaker.plan.ServiceInfo;
import io.heraldlb.speaker.responder.Conflict;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SpeakerLoopTest {
  static final IpAddress VIP = IpAddress.parse("192.168.1.240");
  static final MacAddress STRANGER = MacAddress.parse("02:00:00:00:00:99");

  /** Events as "reason: message". */
  final List<String> events = new ArrayList<>();

  final EventSink sink = (svc, warning, reason, message) -> events.add(reason + ": " + message);
  final MutableClock clock = new MutableClock();
  final FakeTransport transport = new FakeTransport().with("eth0", "02:00:00:00:00:01");
  final Announcer announcer =
      new Announcer(transport, clock, Duration.ofSeconds(30), (n, ndp) -> {});
  final Set<String> members = new TreeSet<>();

  /** The speakers Kubernetes lists; empty: judge the view as it is. */
  final Set<String> listed = new TreeSet<>();

  final List<ServiceInfo> services = new ArrayList<>();
  final ClusterSource source =
      new ClusterSource() {
        @Override
        public PoolSource.Inputs poolInputs() {
          return PoolSource.Inputs.configMap(
              Map.of(
                  "pools.conf",
                  "pools { default { addresses = [\"192.168.1.240-192.168.1.250\"] } }"));
        }

        @Override
        public ClusterSnapshot snapshot(Set<String> live, PoolConfig config) {
          Map<String, NodeFacts> nodes =
              Map.of(
                  "a", new NodeFacts("a", Map.of(), false),
                  "b", new NodeFacts("b", Map.of(), false));
          return new ClusterSnapshot(services, Map.of(), nodes, config, live);
        }
      };

  SpeakerLoop loopFor(String node) {
    SpeakerMetrics metrics = new SpeakerMetrics(new PrometheusRegistry());
    return new SpeakerLoop(
        node,
        source,
        () ->
            listed.isEmpty()
                ? SpeakerLoop.Group.unjudged(Set.copyOf(members))
                : new SpeakerLoop.Group(
                    Set.copyOf(members), Set.copyOf(listed), Quorum.of(members, listed, node)),
        transport,
        names -> {},
        announcer,
        new ChangeReporter(node, metrics, sink),
        metrics,
        clock);
  }

  /** Which of a and b wins VIP alone, by the election's hash. */
  static String winnerOfTwo() {
    return java.util.Arrays.compareUnsigned(
                io.heraldlb.speaker.election.Election.rank("a", VIP),
                io.heraldlb.speaker.election.Election.rank("b", VIP))
            < 0
        ? "a"
        : "b";
  }

  @Test
  void theElectedNodeAnnouncesAtOnceAndSaysSoOnTheService() {
    String winner = winnerOfTwo();
    SpeakerLoop loop = loopFor(winner);
    members.addAll(Set.of("a", "b"));
    services.add(new ServiceInfo("default", "web", "u", List.of(VIP), TrafficPolicy.CLUSTER));
    loop.recompute();
    assertEquals(Set.of(VIP), announcer.table().on("eth0"));
    assertEquals(2, transport.sent.size());
    assertEquals(
        List.of(
            "AnnouncedFromNode: announcing 192.168.1.240 from node "
                + winner
                + " on interfaces eth0"),
        events);
  }

  @Test
  void theOtherNodeStaysSilentAndTakesOverWhenTheWinnerLeaves() {
    String winner = winnerOfTwo();
    SpeakerLoop loop = loopFor(winner.equals("a") ? "b" : "a");
    members.addAll(Set.of("a", "b"));
    services.add(new ServiceInfo("default", "web", "u", List.of(VIP), TrafficPolicy.CLUSTER));
    loop.recompute();
    assertEquals(Set.of(), announcer.table().all());
    members.remove(winner);
    loop.recompute();
    assertEquals(Set.of(VIP), announcer.table().all());
  }

  @Test
  void nothingIsDroppedBeforeTheGroupHasBeenJoined() {
    SpeakerLoop loop = loopFor("a");
    members.add("a");
    services.add(new ServiceInfo("default", "web", "u", List.of(VIP), TrafficPolicy.CLUSTER));
    loop.recompute();
    members.clear();
    loop.recompute();
    assertEquals(Set.of(VIP), announcer.table().all());
  }

  @Test
  void aLocalServiceWithoutEndpointsIsReportedByOneSpeakerOnly() {
    members.addAll(Set.of("a", "b"));
    services.add(new ServiceInfo("default", "web", "u", List.of(VIP), TrafficPolicy.LOCAL));
    loopFor("b").recompute();
    assertEquals(List.of(), events);
    loopFor("a").recompute();
    assertEquals(1, events.size());
    assertTrue(
        events.get(0).startsWith("AnnounceFailed: no node has a ready endpoint"), events.get(0));
  }

  @Test
  void aWinnerWithoutAUsableInterfaceSaysSo() {
    transport.links.clear();
    members.add("a");
    services.add(new ServiceInfo("default", "web", "u", List.of(VIP), TrafficPolicy.CLUSTER));
    loopFor("a").recompute();
    assertEquals(Set.of(), announcer.table().all());
    assertTrue(
        events.get(0).startsWith("AnnounceFailed: node a won 192.168.1.240 but has none"),
        events.get(0));
  }

  @Test
  void anotherMacClaimingOurAddressIsAConflictOnlyIfItLastsASecond() {
    SpeakerLoop loop = loopFor("a");
    members.add("a");
    services.add(new ServiceInfo("default", "web", "u", List.of(VIP), TrafficPolicy.CLUSTER));
    loop.recompute();
    events.clear();
    loop.claimSeen(new Conflict(VIP, STRANGER, "eth0"));
    loop.claimSeen(new Conflict(VIP, STRANGER, "eth0"));
    loop.tick();
    assertEquals(List.of(), events);
    clock.advance(Duration.ofMillis(1100));
    loop.tick();
    assertEquals(1, events.size());
    assertTrue(
        events
            .get(0)
            .startsWith(
                "IPConflict: IP conflict: 02:00:00:00:00:99 on eth0 also claims 192.168.1.240"));
  }

  @Test
  void aClaimForAnAddressWeLostMeanwhileIsNoConflict() {
    SpeakerLoop loop = loopFor("a");
    members.add("a");
    services.add(new ServiceInfo("default", "web", "u", List.of(VIP), TrafficPolicy.CLUSTER));
    loop.recompute();
    events.clear();
    loop.claimSeen(new Conflict(VIP, STRANGER, "eth0"));
    loop.tick();
    services.clear();
    loop.recompute();
    clock.advance(Duration.ofSeconds(2));
    loop.tick();
    assertEquals(List.of(), events);
  }

  @Test
  void whileStoppingAClaimIsTheSuccessorAndTheAddressIsHandedOver() {
    SpeakerLoop loop = loopFor("a");
    members.add("a");
    services.add(new ServiceInfo("default", "web", "u", List.of(VIP), TrafficPolicy.CLUSTER));
    loop.recompute();
    loop.stop();
    members.clear();
    members.add("b");
    loop.recompute(); // ignored: a stopping speaker keeps what it has until handed over
    assertEquals(Set.of(VIP), announcer.table().all());
    int sent = transport.sent.size();
    clock.advance(Duration.ofSeconds(2));
    loop.tick();
    assertEquals(sent, transport.sent.size(), "no gratuitous frames while stopping");
    loop.claimSeen(new Conflict(VIP, STRANGER, "eth0"));
    loop.tick();
    assertTrue(loop.handedOver());
    assertEquals(List.of(), events.stream().filter(e -> e.startsWith("IPConflict")).toList());
  }

  @Test
  void anAddressWonByAJoiningPeerIsAnsweredUntilThePeersClaimIsHeard() {
    SpeakerLoop loop = loopFor("a");
    // An address "a" holds alone, and that "b" wins once it is back in the group.
    IpAddress ip = addressWonBy("b");
    services.add(new ServiceInfo("default", "web", "u", List.of(ip), TrafficPolicy.CLUSTER));
    members.add("a");
    loop.recompute();
    assertEquals(Set.of(ip), announcer.table().all());
    members.add("b");
    loop.recompute();
    assertEquals(Set.of(ip), announcer.table().all(), "still answered: b may not announce yet");
    int sent = transport.sent.size();
    clock.advance(Duration.ofSeconds(1));
    loop.tick();
    assertEquals(sent, transport.sent.size(), "no gratuitous frames for a lost address");
    loop.claimSeen(new Conflict(ip, STRANGER, "eth0"));
    loop.tick();
    assertEquals(Set.of(), announcer.table().all(), "handed over on b's claim");
    assertEquals(List.of(), events.stream().filter(e -> e.startsWith("IPConflict")).toList());
  }

  @Test
  void anAddressWonByAPeerThatIsNeverHeardIsLeftAfterTheGrace() {
    SpeakerLoop loop = loopFor("a");
    IpAddress ip = addressWonBy("b");
    services.add(new ServiceInfo("default", "web", "u", List.of(ip), TrafficPolicy.CLUSTER));
    members.add("a");
    loop.recompute();
    members.add("b");
    loop.recompute();
    clock.advance(SpeakerLoop.HANDOVER_GRACE);
    loop.tick();
    assertEquals(Set.of(), announcer.table().all());
  }

  @Test
  void aSpeakerCutOffFromTheMajorityHandsItsAddressesOverAndWinsNoneOfTheirs() {
    SpeakerLoop loop = loopFor("a");
    listed.addAll(Set.of("a", "b", "c"));
    IpAddress mine = addressWonBy("a");
    IpAddress theirs = addressWonBy("b");
    services.add(new ServiceInfo("default", "web", "u", List.of(mine), TrafficPolicy.CLUSTER));
    services.add(new ServiceInfo("default", "db", "u", List.of(theirs), TrafficPolicy.CLUSTER));
    members.addAll(Set.of("a", "b"));
    loop.recompute();
    assertEquals(Set.of(mine), announcer.table().all());
    assertEquals(null, loop.minorityProblem());

    members.remove("b"); // its membership traffic is cut: a sees itself alone of three
    loop.recompute();
    assertEquals(
        Set.of(mine), announcer.table().all(), "answered until its new announcer is heard");
    assertTrue(loop.minorityProblem().contains("fewer than half"), loop.minorityProblem());
    loop.claimSeen(new Conflict(mine, STRANGER, "eth0")); // the majority's gratuitous ARP
    loop.tick();
    assertEquals(Set.of(), announcer.table().all(), "handed over; b's address never won");
    assertEquals(List.of(), events.stream().filter(e -> e.startsWith("IPConflict")).toList());

    members.add("b"); // healed
    loop.recompute();
    assertEquals(Set.of(mine), announcer.table().all());
    assertEquals(null, loop.minorityProblem());
  }

  @Test
  void aMinorityThatHearsNoSuccessorStopsAnsweringAfterTheGrace() {
    SpeakerLoop loop = loopFor("a");
    listed.addAll(Set.of("a", "b", "c"));
    members.addAll(Set.of("a", "b", "c"));
    services.add(
        new ServiceInfo("default", "web", "u", List.of(addressWonBy("a")), TrafficPolicy.CLUSTER));
    loop.recompute();
    members.retainAll(Set.of("a"));
    loop.recompute();
    clock.advance(SpeakerLoop.HANDOVER_GRACE);
    loop.tick();
    assertEquals(Set.of(), announcer.table().all());
  }

  @Test
  void theSurvivorOfTwoTakesOverSinceHalfStaysAvailable() {
    String winner = winnerOfTwo();
    String other = winner.equals("a") ? "b" : "a";
    SpeakerLoop loop = loopFor(other);
    listed.addAll(Set.of("a", "b"));
    members.addAll(Set.of("a", "b"));
    services.add(new ServiceInfo("default", "web", "u", List.of(VIP), TrafficPolicy.CLUSTER));
    loop.recompute();
    members.remove(winner);
    loop.recompute();
    assertEquals(Set.of(VIP), announcer.table().all());
  }

  @Test
  void anAddressOfADeletedServiceIsNotHandedOverButDroppedAtOnce() {
    SpeakerLoop loop = loopFor("a");
    services.add(new ServiceInfo("default", "web", "u", List.of(VIP), TrafficPolicy.CLUSTER));
    members.add("a");
    loop.recompute();
    services.clear();
    loop.recompute();
    assertEquals(Set.of(), announcer.table().all());
  }

  @Test
  void anAddressWhoseServiceGoesWhileItIsHandedOverStopsBeingAnsweredAtOnce() {
    SpeakerLoop loop = loopFor("a");
    IpAddress ip = addressWonBy("b");
    services.add(new ServiceInfo("default", "web", "u", List.of(ip), TrafficPolicy.CLUSTER));
    members.add("a");
    loop.recompute();
    members.add("b");
    loop.recompute(); // handing over to b
    services.clear();
    loop.recompute();
    assertEquals(Set.of(), announcer.table().all());
  }

  /** An address of the pool that {@code node} wins between a and b. */
  static IpAddress addressWonBy(String node) {
    for (int host = 240; host <= 250; host++) {
      IpAddress ip = IpAddress.parse("192.168.1." + host);
      byte[] a = io.heraldlb.speaker.election.Election.rank("a", ip);
      byte[] b = io.heraldlb.speaker.election.Election.rank("b", ip);
      boolean bWins = java.util.Arrays.compareUnsigned(b, a) < 0;
      if (bWins == node.equals("b")) {
        return ip;
      }
    }
    throw new IllegalStateException("no address of the pool is won by " + node);
  }

  @Test
  void opensOnlyTheInterfacesOfTheAdvertisementsCoveringThisNode() {
    PoolConfig pools =
        ((ParseResult.Valid)
                ConfigParser.parse(
                    Map.of(
                        "pools.conf",
                        """
                        pools {
                          a {
                            addresses = ["10.7.0.0/28"]
                            advertisements = [
                              { node-selector { zone = edge }, interfaces = [eth1] }
                              { node-selector { zone = core }, interfaces = [bond0] }
                            ]
                          }
                        }
                        """)))
            .config();
    assertEquals(
        Set.of("eth1"), SpeakerLoop.poolInterfaces(pools, Optional.of(Map.of("zone", "edge"))));
    assertEquals(Set.of(), SpeakerLoop.poolInterfaces(pools, Optional.of(Map.of("zone", "x"))));
    assertEquals(
        Set.of("bond0", "eth1"),
        SpeakerLoop.poolInterfaces(pools, Optional.empty()),
        "a node not known yet opens every named interface, rather than none");
  }
}
