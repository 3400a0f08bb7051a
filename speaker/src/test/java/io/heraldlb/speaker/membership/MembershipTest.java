package io.heraldlb.speaker.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
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

  @Test
  void twoSpeakersFindEachOtherAndTheSurvivorSeesALeaverGoQuickly() throws Exception {
    List<InetSocketAddress> peers =
        List.of(new InetSocketAddress(LO, 27946), new InetSocketAddress(LO, 27947));
    LinkedBlockingQueue<Set<String>> viewsOfA = new LinkedBlockingQueue<>();
    try (Membership a = new Membership(settings("node-a", 27946), peers, viewsOfA::add);
        Membership b = new Membership(settings("node-b", 27947), peers, v -> {})) {
      a.join();
      b.join();
      Set<String> view = viewsOfA.poll(10, TimeUnit.SECONDS);
      while (view != null && view.size() < 2) {
        view = viewsOfA.poll(10, TimeUnit.SECONDS);
      }
      assertEquals(Set.of("node-a", "node-b"), view);
      assertTrue(a.joined());
      long t0 = System.nanoTime();
      b.leave();
      assertEquals(Set.of("node-a"), viewsOfA.poll(5, TimeUnit.SECONDS));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 1000, "leave took " + ms + " ms");
    }
  }
}
