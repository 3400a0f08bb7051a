package io.heraldlb.it.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the embedded lab (what the demo runs on) itself, without any HeraldLB process: addresses
 * the kernel owns stand in for what a speaker would announce. {@link RealLabHarnessIT} proves the
 * real control plane's.
 */
@LabTest(nodes = 2, kube = LabApi.Kind.EMBEDDED)
class LabHarnessIT {
  private static final int PORT = 8080;
  private static Lab lab;

  @BeforeAll
  static void init(Lab theLab) {
    lab = theLab;
    lab.kubeProxy().startBackends(PORT);
  }

  @Test
  void theClientSeesExactlyTheNodeWhoseLanInterfaceHoldsAnAddress() {
    LabNode node2 = lab.node(2);
    String ip = lab.subnet().v4(50);
    Cmd.check(node2.exec("ip", "addr", "add", ip + "/32", "dev", node2.iface()));

    LabClient.Arping arping = lab.client().arpingBroadcast(ip, 3, Duration.ofSeconds(3));

    assertEquals(List.of(node2.mac()), arping.distinctMacs());
    assertEquals(3, arping.macs().size(), "one reply per request");
    assertEquals(Optional.of(node2.name()), lab.client().curl(ip, PORT));
    assertEquals(Optional.of(node2.mac()), lab.client().neighbourMac(ip));
  }

  @Test
  void theKernelNeverAnswersArpForAServiceIpOnTheNodesLoopback() {
    String serviceIp = lab.subnet().v4(100);
    lab.kubeProxy().addServiceIp(serviceIp);

    LabClient.Arping arping = lab.client().arpingBroadcast(serviceIp, 2, Duration.ofSeconds(2));

    assertEquals(List.of(), arping.macs());
    assertEquals(Optional.empty(), lab.client().curl(serviceIp, PORT));
  }

  @Test
  void everyBackendAnswersWithItsNodeName() {
    for (LabNode node : lab.nodes()) {
      assertEquals(Optional.of(node.name()), lab.client().curl(node.ip(), PORT));
      assertEquals(Optional.of(node.name()), lab.client().curl(node.ipv6(), PORT));
    }
  }

  @Test
  void theApiServerHoldsTheNodesAndSpeakerPodsAndEveryNamespaceReachesIt() {
    List<Node> nodes = lab.kube().nodes().list().getItems();
    assertEquals(2, nodes.size());
    Node node1 = lab.kube().nodes().withName("node1").get();
    assertEquals(lab.node(1).ip(), node1.getStatus().getAddresses().get(0).getAddress());

    List<Pod> speakers =
        lab.kube()
            .pods()
            .inNamespace(LabApi.HERALDLB_NAMESPACE)
            .withLabel(LabApi.SPEAKER_LABEL, LabApi.SPEAKER_LABEL_VALUE)
            .list()
            .getItems();
    assertEquals(2, speakers.size());
    Pod onNode2 =
        speakers.stream()
            .filter(p -> "node2".equals(p.getSpec().getNodeName()))
            .findFirst()
            .orElseThrow();
    assertEquals(lab.node(2).ip(), onNode2.getStatus().getPodIP());

    for (LabNode node : lab.nodes()) {
      Cmd.Result fromNode =
          Cmd.run(
              List.of(
                  node.exec("curl", "-s", "--max-time", "2", lab.api().url() + "/api/v1/nodes")),
              Duration.ofSeconds(10));
      assertTrue(fromNode.out().contains("\"node1\""), node.name() + ": " + fromNode);
    }
  }

  @Test
  void rawFramesFromTheClientReachTheLanAndTheCaptureRecordsTheAnswer() {
    LabNode node1 = lab.node(1);
    LabClient client = lab.client();
    LabClient.Capture capture = client.capture("raw-arp", "arp");

    client.sendFrames(List.of(Frames.arpRequest(client.mac(), client.ip(), node1.ip())), 3);

    Await.until(
        "the capture to hold node1's ARP replies",
        Duration.ofSeconds(5),
        () ->
            capture.read("arp").stream().filter(l -> l.contains("is-at " + node1.mac())).count()
                >= 3);
    capture.stop();
  }

  @Test
  void closeRemovesEveryNamespaceAndLinkOfTheRun() {
    long start = System.nanoTime();
    Lab other = Lab.builder().nodes(1).kube(LabApi.Kind.EMBEDDED).start();
    long up = System.nanoTime();
    String run = other.run();
    assertFalse(run.equals(lab.run()));
    assertTrue(Netns.list().stream().anyMatch(ns -> ns.startsWith(run + "-")));

    other.close();
    long down = System.nanoTime();

    assertEquals(List.of(), Netns.list().stream().filter(ns -> ns.startsWith(run + "-")).toList());
    assertEquals(
        List.of(), Netns.rootLinks().stream().filter(l -> l.startsWith(run + "-")).toList());
    System.out.printf(
        "second lab %s: up %d ms, down %d ms%n",
        run, (up - start) / 1_000_000, (down - up) / 1_000_000);
  }
}
