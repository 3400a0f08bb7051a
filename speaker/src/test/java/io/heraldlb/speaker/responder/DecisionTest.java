package io.heraldlb.speaker.responder;

import static io.heraldlb.speaker.packet.TestFrames.ASKER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OTHER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OUR_MAC;
import static io.heraldlb.speaker.packet.TestFrames.arp;
import static io.heraldlb.speaker.packet.TestFrames.arpReply;
import static io.heraldlb.speaker.packet.TestFrames.arpRequest;
import static io.heraldlb.speaker.packet.TestFrames.ip;
import static io.heraldlb.speaker.packet.TestFrames.ndp;
import static io.heraldlb.speaker.packet.TestFrames.neighborSolicitation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpFrame;
import io.heraldlb.speaker.packet.FrameParser;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.NdpFrame;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecisionTest {

  static final Link ETH0 = new Link("eth0", OUR_MAC);
  static final Set<IpAddress> ANNOUNCED = Set.of(ip("192.0.2.10"), ip("2001:db8::10"));

  private final byte[] out = new byte[Decision.MAX_REPLY_LENGTH];

  private Verdict decide(byte[] frame) {
    return Decision.decide(frame, frame.length, ETH0, ANNOUNCED, out);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("droppedFrames")
  void dropsFrameWithReason(String why, byte[] frame, DropReason expected) {
    Verdict.Drop drop = assertInstanceOf(Verdict.Drop.class, decide(frame));
    assertEquals(expected, drop.reason(), drop.detail());
  }

  static Stream<Arguments> droppedFrames() {
    return Stream.of(
        drop("runt", new byte[10], DropReason.MALFORMED),
        drop("ipv4 packet", ipv4Frame(), DropReason.NOT_ARP_OR_NDP),
        drop("bad icmpv6 checksum", ndp().breakChecksum().build(), DropReason.BAD_CHECKSUM),
        drop("ns with hop limit 1", ndp().hopLimit(1).build(), DropReason.BAD_HOP_LIMIT),
        drop(
            "arp reply for our ip",
            arpReply(OTHER_MAC, "192.0.2.99", OUR_MAC, "192.0.2.10"),
            DropReason.NOT_A_REQUEST),
        drop(
            "gratuitous arp request for our ip",
            arpRequest(OTHER_MAC, "192.0.2.10", "192.0.2.10"),
            DropReason.NOT_A_REQUEST),
        drop(
            "neighbor advertisement",
            ndp().type(136).dst("ff02::1").target("2001:db8::10").build(),
            DropReason.NOT_A_REQUEST),
        drop(
            "arp request for an ip not announced",
            arpRequest(ASKER_MAC, "192.0.2.9", "192.0.2.11"),
            DropReason.NOT_OURS),
        drop(
            "ns for an ip not announced",
            neighborSolicitation(ASKER_MAC, "2001:db8::9", "2001:db8::11"),
            DropReason.NOT_OURS),
        drop(
            "arp request sent by ourselves",
            arpRequest(OUR_MAC, "192.0.2.1", "192.0.2.10"),
            DropReason.FROM_OURSELVES),
        drop(
            "arp request with our sender mac behind another frame source",
            arp(
                1,
                MacAddress.BROADCAST,
                OTHER_MAC,
                -1,
                OUR_MAC,
                "192.0.2.1",
                MacAddress.ZERO,
                "192.0.2.10"),
            DropReason.FROM_OURSELVES),
        drop(
            "ns sent by ourselves",
            neighborSolicitation(OUR_MAC, "2001:db8::1", "2001:db8::10"),
            DropReason.FROM_OURSELVES),
        drop(
            "arp request unicast to another mac",
            arp(1, OTHER_MAC, ASKER_MAC, -1, ASKER_MAC, "192.0.2.9", MacAddress.ZERO, "192.0.2.10"),
            DropReason.NOT_FOR_US),
        drop(
            "ns unicast to another mac",
            ndp().ethDst(OTHER_MAC).src("2001:db8::9").dst("2001:db8::10").build(),
            DropReason.NOT_FOR_US),
        drop(
            "ns to an unrelated ipv6 destination",
            ndp().ethDst(OUR_MAC).src("2001:db8::9").dst("2001:db8::77").build(),
            DropReason.NOT_FOR_US));
  }

  private static Arguments drop(String why, byte[] frame, DropReason expected) {
    return Arguments.of(why, frame, expected);
  }

  private static byte[] ipv4Frame() {
    byte[] frame = new byte[60];
    frame[12] = 0x08;
    return frame;
  }

  @Test
  void everyDropReasonHasATableRow() {
    Set<DropReason> covered =
        droppedFrames()
            .map(a -> (DropReason) a.get()[2])
            .collect(java.util.stream.Collectors.toSet());
    assertEquals(Set.of(DropReason.values()), covered);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answeredFrames")
  void repliesToRequestForAnnouncedIp(String why, byte[] frame, MacAddress replyTo, String ip) {
    Verdict.Reply reply = assertInstanceOf(Verdict.Reply.class, decide(frame));

    assertSame(out, reply.frame());
    assertEquals(ip(ip), reply.ip());
    var parsed = FrameParser.parse(reply.frame(), reply.length());
    if (parsed instanceof ArpFrame arp) {
      assertTrue(arp.isReply());
      assertEquals(OUR_MAC, arp.senderMac());
      assertEquals(ip(ip), arp.senderIp());
      assertEquals(replyTo, arp.ethernet().destination());
    } else {
      NdpFrame na = assertInstanceOf(NdpFrame.class, parsed);
      assertTrue(na.isAdvertisement());
      assertEquals(ip(ip), na.target());
      assertEquals(Optional.of(OUR_MAC), na.linkLayerAddress());
      assertEquals(replyTo, na.ethernet().destination());
    }
    assertEquals(OUR_MAC, parsedSource(reply));
  }

  static Stream<Arguments> answeredFrames() {
    return Stream.of(
        Arguments.of(
            "broadcast arp request",
            arpRequest(ASKER_MAC, "192.0.2.9", "192.0.2.10"),
            ASKER_MAC,
            "192.0.2.10"),
        Arguments.of(
            "arp request unicast to our mac (cache refresh)",
            arp(1, OUR_MAC, ASKER_MAC, -1, ASKER_MAC, "192.0.2.9", OUR_MAC, "192.0.2.10"),
            ASKER_MAC,
            "192.0.2.10"),
        Arguments.of(
            "arp probe from 0.0.0.0",
            arpRequest(ASKER_MAC, "0.0.0.0", "192.0.2.10"),
            ASKER_MAC,
            "192.0.2.10"),
        Arguments.of(
            "vlan-tagged arp request",
            arp(
                1,
                MacAddress.BROADCAST,
                ASKER_MAC,
                42,
                ASKER_MAC,
                "192.0.2.9",
                MacAddress.ZERO,
                "192.0.2.10"),
            ASKER_MAC,
            "192.0.2.10"),
        Arguments.of(
            "ns to the solicited-node group",
            neighborSolicitation(ASKER_MAC, "2001:db8::9", "2001:db8::10"),
            ASKER_MAC,
            "2001:db8::10"),
        Arguments.of(
            "unicast ns checking reachability",
            ndp().ethDst(OUR_MAC).src("2001:db8::9").dst("2001:db8::10").build(),
            ASKER_MAC,
            "2001:db8::10"),
        Arguments.of(
            "duplicate address detection probe",
            ndp()
                .src("::")
                .dst("ff02::1:ff00:10")
                .ethDst(MacAddress.parse("33:33:ff:00:00:10"))
                .build(),
            MacAddress.IPV6_ALL_NODES,
            "2001:db8::10"));
  }

  private static MacAddress parsedSource(Verdict.Reply reply) {
    return MacAddress.read(reply.frame(), 6);
  }

  @Test
  void repliesOnlyWithTheLengthItWrote() {
    Verdict.Reply reply =
        (Verdict.Reply) decide(Arrays.copyOf(arpRequest(ASKER_MAC, "192.0.2.9", "192.0.2.10"), 60));

    assertEquals(42, reply.length());
  }

  @Test
  void dropsEverythingWhenNothingIsAnnounced() {
    byte[] frame = arpRequest(ASKER_MAC, "192.0.2.9", "192.0.2.10");

    Verdict verdict = Decision.decide(frame, frame.length, ETH0, Set.of(), out);

    assertEquals(DropReason.NOT_OURS, ((Verdict.Drop) verdict).reason());
  }
}
