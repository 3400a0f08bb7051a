package io.heraldlb.speaker.transport;

import static io.heraldlb.speaker.packet.TestFrames.ASKER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OTHER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OUR_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.TestFrames;
import io.heraldlb.speaker.responder.AnnouncedTable;
import io.heraldlb.speaker.responder.Conflict;
import io.heraldlb.speaker.responder.DropReason;
import io.heraldlb.speaker.responder.Link;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponderTest {
  static final IpAddress VIP = IpAddress.parse("192.168.1.240");

  static final class Counts implements ResponderCounters {
    int requests;
    int replies;
    int sendFailures;
    final Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);

    @Override
    public void requestReceived(boolean ndp) {
      requests++;
    }

    @Override
    public void replySent(boolean ndp) {
      replies++;
    }

    @Override
    public void sendFailed() {
      sendFailures++;
    }

    @Override
    public void dropped(DropReason reason) {
      drops.merge(reason, 1, Integer::sum);
    }
  }

  final Link link = new Link("eth0", OUR_MAC);
  final InterfaceManagerTest.FakePort port = new InterfaceManagerTest.FakePort(link);
  final Counts counts = new Counts();
  final List<Conflict> conflicts = new ArrayList<>();
  AnnouncedTable table = AnnouncedTable.of(Map.of(VIP, List.of("eth0")));
  final Responder responder = new Responder(link, () -> table, conflicts::add, counts);

  void feed(byte[] frame) {
    responder.onFrame(frame, frame.length, port);
  }

  @Test
  void answersARequestForAnAnnouncedAddressOutOfTheSamePort() {
    feed(TestFrames.arpRequest(ASKER_MAC, "192.168.1.10", "192.168.1.240"));
    assertEquals(1, counts.requests);
    assertEquals(1, counts.replies);
    assertEquals(List.of(42), port.sent);
  }

  @Test
  void stopsAnsweringTheMomentTheTableLosesTheAddress() {
    table = AnnouncedTable.EMPTY;
    feed(TestFrames.arpRequest(ASKER_MAC, "192.168.1.10", "192.168.1.240"));
    assertEquals(List.of(), port.sent);
    assertEquals(Map.of(DropReason.NOT_OURS, 1), counts.drops);
    assertEquals(0, counts.requests, "a request for another address is not one of ours");
  }

  @Test
  void answersOnlyOnTheInterfacesTheAddressIsAnnouncedOn() {
    table = AnnouncedTable.of(Map.of(VIP, List.of("eth1")));
    feed(TestFrames.arpRequest(ASKER_MAC, "192.168.1.10", "192.168.1.240"));
    assertEquals(List.of(), port.sent);
  }

  @Test
  void reportsAnotherMacClaimingOurAddress() {
    feed(TestFrames.arpReply(OTHER_MAC, "192.168.1.240", ASKER_MAC, "192.168.1.10"));
    assertEquals(List.of(new Conflict(VIP, OTHER_MAC, "eth0")), conflicts);
    assertEquals(Map.of(DropReason.NOT_A_REQUEST, 1), counts.drops);
  }

  @Test
  void countsGarbageAndASendFailureWithoutThrowing() {
    feed(new byte[] {1, 2, 3});
    InterfaceManagerTest.FakePort broken = new InterfaceManagerTest.FakePort(link);
    broken.sendWorks = false;
    byte[] req = TestFrames.arpRequest(ASKER_MAC, "192.168.1.10", "192.168.1.240");
    responder.onFrame(req, req.length, broken);
    assertEquals(Map.of(DropReason.MALFORMED, 1), counts.drops);
    assertEquals(1, counts.sendFailures);
  }

  @Test
  void aFailingTableLookupIsCountedNotThrown() {
    Responder r =
        new Responder(
            link,
            () -> {
              throw new IllegalStateException("boom");
            },
            c -> {},
            counts);
    byte[] req = TestFrames.arpRequest(ASKER_MAC, "192.168.1.10", "192.168.1.240");
    r.onFrame(req, req.length, port);
    assertEquals(Map.of(DropReason.MALFORMED, 1), counts.drops);
  }

  @Test
  void theWarmupProducesRepliesAndSendsNothing() {
    assertEquals(100, Warmup.run(100));
  }
}
