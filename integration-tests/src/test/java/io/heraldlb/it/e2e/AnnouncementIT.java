package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.Frames;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabClient;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.LabTest;
import io.heraldlb.it.lab.Metrics;
import io.heraldlb.it.lab.Workloads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which node answers for an IP, on one lab (real control plane, kube-proxy on every node) with the
 * allocator and three speakers: scenarios 4 (externalTrafficPolicy Local follows the ready
 * endpoint, as the EndpointSlice controller reports it from the Pods), 5 (failover after SIGKILL)
 * and 9 (a hostile LAN). Each test uses its own namespace and leaves all three speakers running.
 */
@LabTest(nodes = 3)
class AnnouncementIT {
  private static final int SPEAKER_HTTP = 7473;
  private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(3);
  private static final String SPOOFER_MAC = "02:66:00:00:00:01";

  private static Lab lab;
  private static Cluster cluster;
  private static Traffic traffic;
  private static HeraldLb heraldlb;

  @BeforeAll
  static void install(Lab theLab) {
    lab = theLab;
    cluster = new Cluster(lab);
    traffic = new Traffic(lab);
    List.of("local", "failover", "hostile", "tagged").forEach(cluster::createNamespace);
    cluster.applyPools("pools { default { addresses = [\"192.168.1.240-192.168.1.250\"] } }");
    heraldlb = HeraldLb.install(lab);
  }

  @AfterEach
  void deleteServices() {
    heraldlb.assertAllRunning();
    cluster.deleteServices("local", "failover", "hostile", "tagged");
  }

  @Test
  void withLocalTrafficPolicyOnlyANodeWithAReadyEndpointAnnouncesAndTheAnnouncementFollowsIt() {
    Service created =
        cluster.create(
            Cluster.loadBalancer("local", "web", 80)
                .editMetadata()
                .addToAnnotations(Workloads.MANUAL, "manual")
                .endMetadata()
                .editSpec()
                .withExternalTrafficPolicy("Local")
                .endSpec()
                .build());
    int healthPort = created.getSpec().getHealthCheckNodePort();
    String ip = Cluster.ip(cluster.awaitIp("local", "web"));
    Workloads pods = lab.workloads();
    pods.deploy("local", "web", List.of(80), lab.node(1), false);

    traffic.awaitNoAnnouncer(ip);
    Event nobody = cluster.awaitEvent("local", "web", "AnnounceFailed");
    assertEquals("Warning", nobody.getType());

    pods.deploy("local", "web", List.of(80), lab.node(2), true);
    traffic.awaitAnnouncer(ip, lab.node(2));
    assertEquals("node2", traffic.curl(ip, 80));
    assertEquals(Optional.of(lab.node(2)), traffic.neighbour(ip));
    // kube-proxy's own view, on the health check node port a cloud load balancer would probe.
    assertEquals(200, traffic.awaitHealthCheck(lab.node(2), healthPort, 200));
    assertEquals(503, traffic.awaitHealthCheck(lab.node(1), healthPort, 503));

    pods.setReady("local", "web", lab.node(2), false);
    pods.deploy("local", "web", List.of(80), lab.node(3), true);
    traffic.awaitAnnouncer(ip, lab.node(3));
    Await.until(
        "the client's neighbour entry for " + ip + " to follow to node3 (gratuitous ARP)",
        Traffic.TIMEOUT,
        () -> traffic.neighbour(ip).equals(Optional.of(lab.node(3))));
    assertEquals("node3", traffic.curl(ip, 80));
  }

  @Test
  void killingTheAnnouncingSpeakerMovesTheClientsTrafficToAnotherNode() {
    cluster.create(Cluster.loadBalancer("failover", "web", 80).build());
    String ip = Cluster.ip(cluster.awaitIp("failover", "web"));
    heraldlb.awaitSpeakerGroup();
    LabNode announcer = traffic.announcer(ip);
    assertEquals(announcer.name(), traffic.curl(ip, 80));
    assertEquals(Optional.of(announcer), traffic.neighbour(ip));

    LabProcess victim = heraldlb.speaker(announcer.index());
    long killed = System.nanoTime();
    victim.kill();
    LabNode successor =
        Await.value(
            "the client's neighbour entry for " + ip + " to leave " + announcer.name(),
            Traffic.TIMEOUT,
            () -> traffic.neighbour(ip).filter(n -> !n.equals(announcer)));
    long moved = System.nanoTime();
    String answeredBy =
        Await.value(
            "curl to be answered by another node",
            Traffic.TIMEOUT,
            () -> lab.entryNode(ip, 80).filter(n -> !n.equals(announcer)).map(LabNode::name));
    long answered = System.nanoTime();
    Duration failover = Duration.ofNanos(moved - killed);
    System.out.printf(
        "failover after SIGKILL of the speaker on %s: the client's neighbour entry moved to %s"
            + " after %d ms; curl answered by %s after %d ms%n",
        announcer.name(),
        successor.name(),
        failover.toMillis(),
        answeredBy,
        Duration.ofNanos(answered - killed).toMillis());

    assertEquals(successor.name(), answeredBy);
    assertEquals(successor, traffic.announcer(ip), "the successor alone answers ARP");
    assertTrue(
        failover.compareTo(FAILOVER_LIMIT) < 0,
        "failover took " + failover.toMillis() + " ms, over " + FAILOVER_LIMIT.toMillis());

    try {
      whoAnnouncesIsShownByTheApiAndTheStatusCommand(ip, successor);
    } finally {
      heraldlb.restartSpeaker(announcer.index());
    }
  }

  /** Who announces, long after the Events: the Announcement, PoolUsage and the status command. */
  private static void whoAnnouncesIsShownByTheApiAndTheStatusCommand(String ip, LabNode successor) {
    String row =
        Await.value(
            "kubectl get announcements to name " + successor.name() + " for " + ip,
            Traffic.TIMEOUT,
            () ->
                kubectl("-n", "heraldlb-system", "get", "announcements", "--no-headers")
                    .lines()
                    .filter(
                        l -> l.contains(" " + ip + " ") && l.contains(" " + successor.name() + " "))
                    .findFirst());
    assertTrue(row.contains(successor.iface()) && row.contains("failover/web"), row);
    java.util.concurrent.atomic.AtomicReference<String> lastPools =
        new java.util.concurrent.atomic.AtomicReference<>("");
    java.util.Optional<String> poolRow;
    try {
      poolRow =
          java.util.Optional.of(
              Await.value(
                  "kubectl get poolusages to count the address in use",
                  Traffic.TIMEOUT,
                  () -> {
                    lastPools.set(
                        kubectl("-n", "heraldlb-system", "get", "poolusages", "--no-headers"));
                    return lastPools
                        .get()
                        .lines()
                        .filter(l -> l.matches("default\\s+IPv4\\s+11\\s+1\\s+10\\b.*"))
                        .findFirst();
                  }));
    } catch (io.heraldlb.it.lab.LabException e) {
      throw new AssertionError("kubectl get poolusages last said:\n" + lastPools.get(), e);
    }
    String pools = poolRow.get();
    String status = allocatorStatus();
    System.out.printf(
        "kubectl get announcements: %s%nkubectl get poolusages: %s%nstatus:%n%s",
        row, pools, status);
    assertTrue(
        status
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("failover/web ")
                        && l.contains(" " + ip + " ")
                        && l.contains(" " + successor.name() + " ")),
        status);
    assertTrue(status.lines().anyMatch(l -> l.matches("default\\s+IPv4\\s+11\\s+1\\s+10")), status);
  }

  private static String kubectl(String... args) {
    io.heraldlb.it.lab.Cmd.Result r = lab.kubectl(Duration.ofSeconds(30), args);
    assertEquals(0, r.exit(), r.err());
    return r.out();
  }

  /** {@code java -jar heraldlb-allocator.jar status} with the lab's admin kubeconfig. */
  private static String allocatorStatus() {
    io.heraldlb.it.lab.Cmd.Result r =
        io.heraldlb.it.lab.Cmd.run(
            List.of(
                "env",
                "KUBECONFIG=" + lab.kubeconfig(),
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                io.heraldlb.it.lab.Programs.allocatorJar().toString(),
                "status"),
            Duration.ofSeconds(60));
    assertEquals(0, r.exit(), r.out() + r.err());
    return r.out();
  }

  @Test
  void aBurstOfMalformedAndSpoofedFramesLeavesTheSpeakersAnsweringAndASpoofedReplyIsAConflict() {
    cluster.create(Cluster.loadBalancer("hostile", "web", 80).build());
    String ip = Cluster.ip(cluster.awaitIp("hostile", "web"));
    LabNode announcer = traffic.announcer(ip);
    Metrics before = Metrics.scrape(announcer, SPEAKER_HTTP);

    lab.client().sendFrames(hostileFrames(ip, announcer), 300);

    heraldlb.assertAllRunning();
    assertEquals(announcer, traffic.announcer(ip), "the same node alone still answers");
    assertEquals(announcer.name(), traffic.curl(ip, 80));
    Metrics after = Metrics.scrape(announcer, SPEAKER_HTTP);
    assertTrue(
        dropped(after, "malformed") >= dropped(before, "malformed") + 300,
        "malformed frames counted: "
            + dropped(after, "malformed")
            + "; frames the kernel dropped unread: "
            + after.sum("heraldlb_capture_overflows_total"));
    // Solicitations for an address nobody announces stop at the kernel filter: broken or not,
    // they never reach the speaker (SpeakerIT sends broken ones for an announced address).
    assertEquals(dropped(before, "bad_checksum"), dropped(after, "bad_checksum"));
    assertEquals(dropped(before, "bad_hop_limit"), dropped(after, "bad_hop_limit"));
    assertEquals(
        before.sum("heraldlb_ip_conflicts_total"),
        after.sum("heraldlb_ip_conflicts_total"),
        "requests are not claims: no conflict yet");

    lab.client()
        .sendFrames(
            List.of(
                Frames.gratuitousArp(SPOOFER_MAC, ip),
                Frames.arpReply(SPOOFER_MAC, ip, announcer.mac(), announcer.ip())),
            3);

    Await.until(
        "the speaker on " + announcer.name() + " to count the conflict",
        Traffic.TIMEOUT,
        Duration.ofMillis(200),
        () ->
            Metrics.scrape(announcer, SPEAKER_HTTP).sum("heraldlb_ip_conflicts_total")
                > before.sum("heraldlb_ip_conflicts_total"));
    Event conflict = cluster.awaitEvent("hostile", "web", "IPConflict");
    assertEquals("Warning", conflict.getType());
    assertTrue(conflict.getMessage().contains(SPOOFER_MAC), conflict.getMessage());
    heraldlb.assertAllRunning();
    assertEquals(announcer, traffic.announcer(ip), "the announcer keeps answering");
  }

  @Test
  void aVlanTaggedRequestIsAnsweredByTheAnnouncerAloneWithTheSameTag() {
    cluster.create(Cluster.loadBalancer("tagged", "web", 80).build());
    String ip = Cluster.ip(cluster.awaitIp("tagged", "web"));
    LabNode announcer = traffic.announcer(ip);
    LabClient client = lab.client();
    LabClient.Capture capture = client.capture("vlan-request", "vlan");
    try {
      client.sendFrames(
          List.of(Frames.tagged(Frames.arpRequest(client.mac(), client.ip(), ip), 42)), 3);
      Await.until(
          "a tagged reply for " + ip,
          Traffic.TIMEOUT,
          Duration.ofMillis(200),
          () -> capture.read("vlan 42 and arp").stream().anyMatch(l -> l.contains("Reply " + ip)));
    } finally {
      capture.stop();
    }
    List<String> replies =
        capture.read("vlan 42 and arp").stream().filter(l -> l.contains("Reply " + ip)).toList();
    assertFalse(replies.isEmpty(), "no tagged reply in the capture");
    assertTrue(
        replies.stream().allMatch(l -> l.contains("is-at " + announcer.mac())),
        "replies from another node than " + announcer.name() + ": " + replies);
    assertTrue(
        replies.stream().allMatch(l -> l.startsWith(announcer.mac(), l.indexOf(' ') + 1)),
        "a reply not sent from the announcer's MAC: " + replies);
  }

  /**
   * Malformed ARP for the announced address, which the speaker must count and drop; requests with
   * spoofed senders; and ARP and NDP for addresses nobody announces, which its kernel filter keeps
   * out.
   */
  private static List<byte[]> hostileFrames(String ip, LabNode announcer) {
    LabClient client = lab.client();
    byte[] request = Frames.arpRequest(client.mac(), client.ip(), ip);
    byte[] solicitation =
        Frames.neighborSolicitation(client.mac(), client.ipv6(), lab.subnet().v6(0x99));
    List<byte[]> frames = new ArrayList<>();
    frames.add(Frames.truncate(request, 14)); // an Ethernet header and nothing else
    frames.add(Frames.truncate(request, 30)); // ARP cut off in the sender address
    frames.add(Frames.withByte(request, 18, 7)); // hardware address length 7
    frames.add(Frames.withByte(request, 16, 0x86)); // protocol type not IPv4
    frames.add(Frames.withByte(request, 21, 99)); // opcode 99
    frames.add(Frames.truncate(solicitation, 60)); // NS cut off in the target
    frames.add(Frames.withByte(solicitation, 14 + 40 + 3, 0x55)); // bad ICMPv6 checksum
    frames.add(Frames.withByte(solicitation, 14 + 7, 64)); // hop limit 64, not 255
    frames.add(garbageArp());
    // the announcing node's MAC as the ARP sender, the announced IP as a sender, a multicast sender
    frames.add(
        Frames.arp(
            Frames.BROADCAST,
            SPOOFER_MAC,
            1,
            announcer.mac(),
            announcer.ip(),
            "00:00:00:00:00:00",
            ip));
    frames.add(Frames.arpRequest(SPOOFER_MAC, ip, "192.168.1.249"));
    frames.add(
        Frames.arp(
            Frames.BROADCAST,
            SPOOFER_MAC,
            1,
            "01:00:5e:00:00:01",
            client.ip(),
            Frames.BROADCAST,
            ip));
    frames.add(Frames.arpRequest(SPOOFER_MAC, client.ip(), "192.168.1.249")); // nobody's
    return frames;
  }

  private static byte[] garbageArp() {
    byte[] frame = new byte[60];
    for (int i = 0; i < frame.length; i++) {
      frame[i] = (byte) (i * 37 + 11);
    }
    frame[12] = 0x08;
    frame[13] = 0x06;
    return frame;
  }

  private static double dropped(Metrics metrics, String reason) {
    return metrics.sum("heraldlb_frames_dropped_total", "reason=\"" + reason + "\"");
  }
}
