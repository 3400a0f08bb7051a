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

  static MembershipSettings settings(String node, int port) {
    return new MembershipSettings(
        node, LO, port, Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofMillis(200));
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
    int portA = freePort();
    int portB = freePort();
    while (Math.abs(portB - portA) % MembershipSettings.FAILURE_DETECTION_OFFSET == 0) {
      portB = freePort(); // the same port again, or one that is the other's detection port
    }
    List<InetSocketAddress> peers =
        List.of(new InetSocketAddress(LO, portA), new InetSocketAddress(LO, portB));
    LinkedBlockingQueue<Set<String>> viewsOfA = new LinkedBlockingQueue<>();
    try (Membership a = new Membership(settings("node-a", portA), peers, viewsOfA::add);
        Membership b = new Membership(settings("node-b", portB), peers, v -> {})) {
      a.join();
      b.join();
      Set<String> view = viewsOfA.poll(10, TimeUnit.SECONDS);
      while (view != null && view.size() < 2) {
        view = viewsOfA.poll(10, TimeUnit.SECONDS);
      }
      assertEquals(Set.of("node-a", "node-b"), view);
      assertTrue(a.joined());
      // A leave is a view change, not a failure detection: how fast is bench.sh's to measure.
      b.leave();
      assertEquals(Set.of("node-a"), viewsOfA.poll(10, TimeUnit.SECONDS));
    }
  }
}
