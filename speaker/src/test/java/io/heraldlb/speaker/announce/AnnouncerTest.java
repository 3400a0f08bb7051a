package io.heraldlb.speaker.announce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.FakeTransport;
import io.heraldlb.speaker.MutableClock;
import io.heraldlb.speaker.packet.ArpFrame;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.NdpFrame;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnnouncerTest {
  static final IpAddress V4 = IpAddress.parse("192.168.1.240");
  static final IpAddress V6 = IpAddress.parse("2001:db8::240");
  static final MacAddress ETH0 = MacAddress.parse("02:00:00:00:00:01");

  final MutableClock clock = new MutableClock();
  final FakeTransport transport =
      new FakeTransport().with("eth0", "02:00:00:00:00:01").with("eth1", "02:00:00:00:00:02");
  int counted;
  final Announcer announcer =
      new Announcer(transport, clock, Duration.ofSeconds(30), (name, ndp) -> counted++);

  static Map<IpAddress, Assignment> wanted(Assignment... as) {
    return java.util.Arrays.stream(as)
        .collect(java.util.stream.Collectors.toMap(Assignment::ip, a -> a));
  }

  static Assignment on(IpAddress ip, String... interfaces) {
    return new Assignment(ip, "default/web", List.of(interfaces));
  }

  @Test
  void winningSendsGratuitousArpInRequestAndReplyFormAtOnce() {
    List<Change> changes = announcer.apply(wanted(on(V4, "eth0")));
    assertInstanceOf(Change.Won.class, changes.get(0));
    assertEquals(Set.of(V4), announcer.table().on("eth0"));
    announcer.tick();
    assertEquals(2, transport.sent.size());
    ArpFrame request = (ArpFrame) transport.sent.get(0).frame();
    ArpFrame reply = (ArpFrame) transport.sent.get(1).frame();
    assertTrue(request.isRequest() && request.isGratuitous());
    assertTrue(reply.isReply() && reply.isGratuitous());
    assertEquals(ETH0, reply.senderMac());
    assertEquals(2, counted);
  }

  @Test
  void repeatsEvery1100MillisecondsForFiveSecondsThenAtTheRefreshPeriod() {
    announcer.apply(wanted(on(V4, "eth0")));
    int bursts = 0;
    for (int ms = 0; ms <= 40_000; ms += 50) {
      int before = transport.sent.size();
      announcer.tick();
      if (transport.sent.size() > before) {
        bursts++;
      }
      clock.advance(Duration.ofMillis(50));
    }
    // at 0, 1.1, 2.2, 3.3, 4.4 s, then 34.4 s
    assertEquals(6, bursts);
  }

  @Test
  void ipv6AddressesGetOneUnsolicitedAdvertisementPerInterface() {
    announcer.apply(wanted(on(V6, "eth0", "eth1")));
    announcer.tick();
    assertEquals(
        List.of("eth0", "eth1"),
        transport.sent.stream().map(FakeTransport.Sent::interfaceName).toList());
    NdpFrame na = (NdpFrame) transport.sent.get(0).frame();
    assertTrue(na.isAdvertisement() && na.override() && !na.solicited());
    assertEquals(V6, na.target());
  }

  @Test
  void losingStopsAnsweringAtOnceAndSendsNothingMore() {
    announcer.apply(wanted(on(V4, "eth0")));
    announcer.tick();
    List<Change> changes = announcer.apply(Map.of());
    assertInstanceOf(Change.Lost.class, changes.get(0));
    assertEquals(Set.of(), announcer.table().all());
    clock.advance(Duration.ofSeconds(2));
    announcer.tick();
    assertEquals(2, transport.sent.size());
  }

  @Test
  void theSamePlanTwiceChangesNothingAndRestartsNoBurst() {
    announcer.apply(wanted(on(V4, "eth0")));
    announcer.tick();
    assertEquals(List.of(), announcer.apply(wanted(on(V4, "eth0"))));
    announcer.tick();
    assertEquals(2, transport.sent.size());
  }

  @Test
  void aServiceJoiningAnAnnouncedAddressIsReportedAndSendsNothingNew() {
    announcer.apply(wanted(on(V4, "eth0")));
    announcer.tick();
    Assignment shared = new Assignment(V4, "default/dns,default/web", List.of("eth0"));
    List<Change> changes = announcer.apply(wanted(shared));
    assertEquals(List.of(new Change.Relabelled(on(V4, "eth0"), shared)), changes);
    announcer.tick();
    assertEquals(2, transport.sent.size(), "no new burst");
  }

  @Test
  void movingToAnotherInterfaceStartsANewBurstThere() {
    announcer.apply(wanted(on(V4, "eth0")));
    announcer.tick();
    clock.advance(Duration.ofMillis(100));
    List<Change> changes = announcer.apply(wanted(on(V4, "eth1")));
    assertInstanceOf(Change.Moved.class, changes.get(0));
    announcer.tick();
    assertEquals("eth1", transport.sent.get(2).interfaceName());
    assertEquals(Set.of(), announcer.table().on("eth0"));
  }

  @Test
  void releasingAfterAHandOverStopsAnsweringThatAddressOnly() {
    announcer.apply(wanted(on(V4, "eth0"), on(V6, "eth0")));
    assertTrue(announcer.release(V4).isPresent());
    assertEquals(Set.of(V6), announcer.table().all());
    assertTrue(announcer.release(V4).isEmpty());
  }

  @Test
  void anInterfaceClosedSinceThePlanIsSkipped() {
    announcer.apply(wanted(on(V4, "eth0", "eth1")));
    transport.links.remove("eth1");
    announcer.tick();
    assertEquals(2, transport.sent.size());
  }
}
