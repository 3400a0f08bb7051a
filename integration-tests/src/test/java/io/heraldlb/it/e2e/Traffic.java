package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabClient;
import io.heraldlb.it.lab.LabNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What the LAN client sees, with the tools a user has: arping, curl, ip neigh. */
final class Traffic {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Lab lab;
  private final LabClient client;

  Traffic(Lab lab) {
    this.lab = lab;
    this.client = lab.client();
  }

  /**
   * The one node that answers ARP for {@code ip}: three broadcast requests, and every reply must
   * come from the same node.
   */
  LabNode announcer(String ip) {
    LabClient.Arping arping = client.arpingBroadcast(ip, 3, Duration.ofSeconds(3));
    List<String> macs = arping.distinctMacs();
    assertEquals(1, macs.size(), "exactly one MAC answers ARP for " + ip + ", got " + macs);
    return node(macs.get(0));
  }

  /** Waits until {@code node} answers ARP for {@code ip}, then checks that it alone does. */
  void awaitAnnouncer(String ip, LabNode node) {
    Await.until(
        node.name() + " to answer ARP for " + ip,
        TIMEOUT,
        () -> client.arpingBroadcast(ip, 1, Duration.ofSeconds(1)).macs().contains(node.mac()));
    assertEquals(node, announcer(ip), "the node that answers ARP for " + ip);
  }

  /** Waits until nobody answers ARP for {@code ip} (two broadcast requests go unanswered). */
  void awaitNoAnnouncer(String ip) {
    Await.until(
        "nobody to answer ARP for " + ip,
        TIMEOUT,
        () -> client.arpingBroadcast(ip, 2, Duration.ofSeconds(2)).macs().isEmpty());
  }

  /**
   * {@code curl http://IP:PORT/} until a backend answers; returns the name of the node the request
   * entered through (see {@link Lab#entryNode}), which is the announcing node when all is well.
   */
  String curl(String ip, int port) {
    return curl(ip, port, TIMEOUT);
  }

  String curl(String ip, int port, Duration timeout) {
    return Await.value(
            "http://" + ip + ":" + port + "/ to answer from the client",
            timeout,
            () -> lab.entryNode(ip, port))
        .name();
  }

  /**
   * Waits until kube-proxy's health check node port on {@code node} answers {@code status} ({@code
   * curl http://NODE:PORT/healthz}) and returns it.
   */
  int awaitHealthCheck(LabNode node, int port, int status) {
    return Await.value(
        "kube-proxy's health check on " + node.name() + ":" + port + " to answer " + status,
        TIMEOUT,
        Duration.ofMillis(200),
        () -> client.httpStatus(node.ip(), port, "/healthz").filter(s -> s == status));
  }

  /** The node the client's neighbour entry for {@code ip} points at ({@code ip neigh}). */
  Optional<LabNode> neighbour(String ip) {
    return client.neighbourMac(ip).map(this::node);
  }

  LabNode node(String mac) {
    return lab.nodeByMac(mac).orElseThrow(() -> new AssertionError(mac + " is no node's MAC"));
  }
}
