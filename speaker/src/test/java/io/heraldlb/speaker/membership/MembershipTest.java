package io.heraldlb.speaker.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two real members on the loopback interface. */
class MembershipTest {
  static final InetAddress LO = InetAddress.getLoopbackAddress();

  final TestKeys keys = new TestKeys();
  final List<String> joinRefusals =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  /** Admits every claim: these tests have no API to check names against. */
  static final NodeToken.JoinCheck ANYONE = (node, from) -> null;

  Membership member(
      MembershipSettings settings,
      List<InetSocketAddress> peers,
      java.util.function.Consumer<Set<String>> onView)
      throws Exception {
    return member(settings, peers, onView, ANYONE);
  }

  Membership member(
      MembershipSettings settings,
      List<InetSocketAddress> peers,
      java.util.function.Consumer<Set<String>> onView,
      NodeToken.JoinCheck check)
      throws Exception {
    return new Membership(
        settings,
        peers,
        onView,
        check,
        (node, why) -> joinRefusals.add(node + ": " + why.reason()));
  }

  MembershipSettings settings(String node, int port) {
    return settings(node, port, "good");
  }

  MembershipSettings settings(String node, int port, String key) {
    return new MembershipSettings(
        node,
        LO,
        port,
        Duration.ofMillis(250),
        Duration.ofSeconds(1),
        Duration.ofMillis(200),
        keys.load(key));
  }

  /**
   * A free port whose failure-detection port (port + {@link
   * MembershipSettings#FAILURE_DETECTION_OFFSET}) is free too; fixed ports collide with whatever
   * else runs on a CI machine.
   */
  static int freePort() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, LO)) {
        int port = s.getLocalPort();
        if (port + MembershipSettings.FAILURE_DETECTION_OFFSET > 65535) {
          continue;
        }
        if (free(port + MembershipSettings.FAILURE_DETECTION_OFFSET)) {
          return port;
        }
      }
    }
    throw new IOException("no free pair of ports on the loopback interface");
  }

  /** Two free ports, neither the same as the other nor its failure-detection port. */
  static int[] twoPorts() throws IOException {
    int a = freePort();
    int b = freePort();
    while (Math.abs(b - a) % MembershipSettings.FAILURE_DETECTION_OFFSET == 0) {
      b = freePort();
    }
    return new int[] {a, b};
  }

  /** Waits until a view of at least two members arrives; returns it, or null after 10 s. */
  static Set<String> awaitPair(LinkedBlockingQueue<Set<String>> views) throws InterruptedException {
    Set<String> view = views.poll(10, TimeUnit.SECONDS);
    while (view != null && view.size() < 2) {
      view = views.poll(10, TimeUnit.SECONDS);
    }
    return view;
  }

  private static boolean free(int port) {
    try {
      new ServerSocket(port, 1, LO).close();
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  @Test
  void twoSpeakersFindEachOtherAndTheSurvivorSeesALeaverGo() throws Exception {
    int[] ports = twoPorts();
    int portA = ports[0];
    int portB = ports[1];
    List<InetSocketAddress> peers =
        List.of(new InetSocketAddress(LO, portA), new InetSocketAddress(LO, portB));
    LinkedBlockingQueue<Set<String>> viewsOfA = new LinkedBlockingQueue<>();
    try (Membership a = member(settings("node-a", portA), peers, viewsOfA::add);
        Membership b = member(settings("node-b", portB), peers, v -> {})) {
      a.join();
      b.join();
      assertEquals(Set.of("node-a", "node-b"), awaitPair(viewsOfA));
      assertTrue(a.joined());
      // A leave is a view change, not a failure detection: how fast is bench.sh's to measure.
      b.leave();
      assertEquals(Set.of("node-a"), viewsOfA.poll(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aMemberWithoutTheGroupsKeyCannotJoinAndIsCounted() throws Exception {
    int[] ports = twoPorts();
    int portA = ports[0];
    int portB = ports[1];
    List<InetSocketAddress> peers =
        List.of(new InetSocketAddress(LO, portA), new InetSocketAddress(LO, portB));
    LinkedBlockingQueue<Set<String>> viewsOfA = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<Set<String>> viewsOfStranger = new LinkedBlockingQueue<>();
    try (Membership a = member(settings("node-a", portA), peers, viewsOfA::add);
        Membership stranger =
            member(settings("aaa", portB, "other"), peers, viewsOfStranger::add)) {
      a.join();
      stranger.join();
      // The stranger founds a group of its own; node-a never sees it.
      assertEquals(Set.of("aaa"), viewsOfStranger.poll(10, TimeUnit.SECONDS));
      assertEquals(Set.of("node-a"), viewsOfA.poll(10, TimeUnit.SECONDS));
      Thread.sleep(4000); // a few discovery and merge rounds
      assertEquals(Set.of("node-a"), a.members());
      assertEquals(null, viewsOfA.poll(), "node-a saw no other view");
      assertTrue(
          keys.refusals.stream().anyMatch(r -> r.startsWith("untrusted_certificate: ")),
          keys.refusals.toString());
    }
  }

  @Test
  void aPlainTcpPeerIsRefusedAtTheHandshake() throws Exception {
    int port = freePort();
    try (Membership a =
        member(settings("node-a", port), List.of(new InetSocketAddress(LO, port)), v -> {})) {
      a.join();
      try (java.net.Socket plain = new java.net.Socket(LO, port)) {
        plain
            .getOutputStream()
            .write("not TLS\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        plain.getOutputStream().flush();
        plain.setSoTimeout(5000);
        // The server closes the connection (or answers with a TLS alert), never a JGroups reply.
        int b;
        try {
          do {
            b = plain.getInputStream().read();
          } while (b >= 0);
        } catch (IOException reset) {
          // a reset is a refusal too
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (keys.refusals.stream().noneMatch(r -> r.startsWith("handshake: "))
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(
          keys.refusals.stream().anyMatch(r -> r.startsWith("handshake: ")),
          keys.refusals.toString());
      assertEquals(Set.of("node-a"), a.members());
    }
  }

  /** Rotation, one speaker at a time: trusting the old and the new key, both sides join. */
  @Test
  void speakersTrustingBothKeysJoinWhicheverTheyPresent() throws Exception {
    int[] ports = twoPorts();
    int portA = ports[0];
    int portB = ports[1];
    List<InetSocketAddress> peers =
        List.of(new InetSocketAddress(LO, portA), new InetSocketAddress(LO, portB));
    LinkedBlockingQueue<Set<String>> viewsOfA = new LinkedBlockingQueue<>();
    try (Membership a = member(settings("node-a", portA, "rotating-good"), peers, viewsOfA::add);
        Membership b = member(settings("node-b", portB, "rotating-other"), peers, v -> {})) {
      a.join();
      b.join();
      assertEquals(Set.of("node-a", "node-b"), awaitPair(viewsOfA));
      assertEquals(List.of(), keys.refusals);
    }
  }

  /** A holder of the key that claims a node the API does not confirm is refused at the join. */
  @Test
  void aJoinerTheApiDoesNotConfirmIsRefused() throws Exception {
    int[] ports = twoPorts();
    int portA = ports[0];
    int portB = ports[1];
    List<InetSocketAddress> peers =
        List.of(new InetSocketAddress(LO, portA), new InetSocketAddress(LO, portB));
    NodeToken.JoinCheck onlyNodeA =
        (node, from) ->
            node.equals("node-a")
                ? null
                : new NodeToken.Refusal(
                    NodeToken.JoinCheck.NOT_A_SPEAKER_POD, node + " runs no speaker pod");
    try (Membership a = member(settings("node-a", portA), peers, v -> {}, onlyNodeA);
        Membership liar = member(settings("liar", portB), peers, v -> {}, onlyNodeA)) {
      a.join();
      Exception refused =
          org.junit.jupiter.api.Assertions.assertThrows(Exception.class, liar::join);
      assertTrue(
          refused instanceof SecurityException || refused.getCause() instanceof SecurityException,
          "JGroups rejects the join: " + refused);
      assertEquals(Set.of("node-a"), a.members());
      assertTrue(joinRefusals.contains("liar: not_a_speaker_pod"), joinRefusals.toString());
    }
  }

  /** Garbage and oversized input on the group port: the next real speaker still joins at once. */
  @Test
  void garbageOnTheGroupPortLeavesItOpenForTheNextSpeaker() throws Exception {
    int[] ports = twoPorts();
    int portA = ports[0];
    int portB = ports[1];
    List<InetSocketAddress> peers =
        List.of(new InetSocketAddress(LO, portA), new InetSocketAddress(LO, portB));
    LinkedBlockingQueue<Set<String>> viewsOfA = new LinkedBlockingQueue<>();
    try (Membership a = member(settings("node-a", portA), peers, viewsOfA::add)) {
      a.join();
      java.util.Random random = new java.util.Random(7);
      for (int i = 0; i < 60; i++) {
        byte[] noise = new byte[i == 59 ? 1 << 20 : 1 + random.nextInt(65536)];
        random.nextBytes(noise);
        if (i % 3 == 0) {
          noise[0] = 0x16; // a TLS handshake record header, then nonsense
          noise[1] = 0x03;
        }
        try (java.net.Socket s = new java.net.Socket(LO, portA)) {
          s.setSoTimeout(300);
          s.getOutputStream().write(noise);
          s.getInputStream().read();
        } catch (IOException refusedOrTimedOut) {
          // what a stranger gets
        }
      }
      try (Membership b = member(settings("node-b", portB), peers, v -> {})) {
        b.join();
        assertEquals(Set.of("node-a", "node-b"), awaitPair(viewsOfA));
      }
      assertTrue(
          keys.refusals.stream().filter(r -> r.startsWith("handshake: ")).count() >= 50,
          "each garbage connection is a refused handshake: " + keys.refusals.size());
    }
  }
}
