package io.heraldlb.speaker.packet;

import static io.heraldlb.speaker.packet.TestFrames.ASKER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OUR_MAC;
import static io.heraldlb.speaker.packet.TestFrames.arp;
import static io.heraldlb.speaker.packet.TestFrames.arpRequest;
import static io.heraldlb.speaker.packet.TestFrames.ip;
import static io.heraldlb.speaker.packet.TestFrames.ndp;
import static io.heraldlb.speaker.packet.TestFrames.neighborSolicitation;
import static io.heraldlb.speaker.packet.TestFrames.patch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FrameParserTest {

  @Test
  void parsesArpRequest() {
    ArpFrame arp = (ArpFrame) FrameParser.parse(arpRequest(ASKER_MAC, "192.0.2.9", "192.0.2.10"));

    assertTrue(arp.isRequest());
    assertFalse(arp.isGratuitous());
    assertEquals(MacAddress.BROADCAST, arp.ethernet().destination());
    assertEquals(ASKER_MAC, arp.ethernet().source());
    assertFalse(arp.ethernet().hasVlan());
    assertEquals(ASKER_MAC, arp.senderMac());
    assertEquals(ip("192.0.2.9"), arp.senderIp());
    assertEquals(MacAddress.ZERO, arp.targetMac());
    assertEquals(ip("192.0.2.10"), arp.targetIp());
  }

  @Test
  void parsesArpReplyWithVlanTagAndKeepsTheTag() {
    byte[] frame = arp(2, OUR_MAC, ASKER_MAC, 0xA064, ASKER_MAC, "10.0.0.1", OUR_MAC, "10.0.0.2");

    ArpFrame arp = (ArpFrame) FrameParser.parse(frame);

    assertTrue(arp.isReply());
    assertEquals(0xA064, arp.ethernet().vlanTci());
    assertEquals(100, arp.ethernet().vlanId());
    assertEquals(ip("10.0.0.1"), arp.senderIp());
  }

  @Test
  void ignoresEthernetPaddingAfterArp() {
    byte[] frame = Arrays.copyOf(arpRequest(ASKER_MAC, "192.0.2.9", "192.0.2.10"), 60);

    assertInstanceOf(ArpFrame.class, FrameParser.parse(frame));
  }

  @Test
  void parsesOnlyTheGivenLengthOfTheBuffer() {
    byte[] frame = Arrays.copyOf(arpRequest(ASKER_MAC, "192.0.2.9", "192.0.2.10"), 1500);

    assertInstanceOf(ArpFrame.class, FrameParser.parse(frame, 42));
    assertFailure(ParseFailure.MALFORMED, FrameParser.parse(frame, 41));
  }

  @Test
  void parsesNeighborSolicitationWithSourceLinkLayerOption() {
    byte[] frame = neighborSolicitation(ASKER_MAC, "2001:db8::9", "2001:db8::10");

    NdpFrame ns = (NdpFrame) FrameParser.parse(frame);

    assertTrue(ns.isSolicitation());
    assertFalse(ns.isDuplicateAddressDetection());
    assertEquals(ip("2001:db8::9"), ns.source());
    assertEquals(ip("ff02::1:ff00:10"), ns.destination());
    assertEquals(ip("2001:db8::10"), ns.target());
    assertEquals(Optional.of(ASKER_MAC), ns.linkLayerAddress());
  }

  @Test
  void parsesNeighborAdvertisementFlagsAndTargetLinkLayerOption() {
    byte[] frame =
        ndp()
            .type(136)
            .flags(0xE0)
            .dst("2001:db8::9")
            .target("2001:db8::10")
            .option(2, OUR_MAC)
            .build();

    NdpFrame na = (NdpFrame) FrameParser.parse(frame);

    assertTrue(na.isAdvertisement());
    assertTrue(na.router());
    assertTrue(na.solicited());
    assertTrue(na.override());
    assertEquals(Optional.of(OUR_MAC), na.linkLayerAddress());
  }

  @Test
  void takesOnlyTheLinkLayerOptionOfTheRightKind() {
    // A target link-layer option in a solicitation is not the asker's address.
    byte[] frame = ndp().dst("ff02::1:ff00:10").option(2, OUR_MAC).build();

    assertEquals(Optional.empty(), ((NdpFrame) FrameParser.parse(frame)).linkLayerAddress());
  }

  @Test
  void skipsUnknownOptionsBeforeTheLinkLayerOption() {
    byte[] frame =
        ndp()
            .dst("ff02::1:ff00:10")
            .rawOption(14, 1, 1, 2, 3, 4, 5, 6)
            .option(1, ASKER_MAC)
            .build();

    assertEquals(Optional.of(ASKER_MAC), ((NdpFrame) FrameParser.parse(frame)).linkLayerAddress());
  }

  @Test
  void parsesDuplicateAddressDetectionProbe() {
    byte[] frame = ndp().src("::").dst("ff02::1:ff00:10").target("2001:db8::10").build();

    assertTrue(((NdpFrame) FrameParser.parse(frame)).isDuplicateAddressDetection());
  }

  @Test
  void parsesVlanTaggedSolicitation() {
    byte[] frame = ndp().vlan(0x0123).dst("ff02::1:ff00:10").build();

    assertEquals(0x123, ((NdpFrame) FrameParser.parse(frame)).ethernet().vlanTci());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedFrames")
  void refusesFrameWithReason(String why, byte[] frame, ParseFailure expected) {
    assertFailure(expected, FrameParser.parse(frame));
  }

  static Stream<Arguments> refusedFrames() {
    byte[] arpReq = arpRequest(ASKER_MAC, "192.0.2.9", "192.0.2.10");
    byte[] ns = neighborSolicitation(ASKER_MAC, "2001:db8::9", "2001:db8::10");
    return Stream.of(
        refused("empty frame", new byte[0], ParseFailure.MALFORMED),
        refused("13 bytes", new byte[13], ParseFailure.MALFORMED),
        refused("ipv4 frame", patch(arpReq, 12, 0x08, 0x00), ParseFailure.NOT_ARP_OR_NDP),
        refused("truncated vlan tag", patch(new byte[15], 12, 0x81, 0x00), ParseFailure.MALFORMED),
        refused(
            "two vlan tags",
            patch(new byte[60], 12, 0x81, 0x00, 0, 1, 0x81, 0x00),
            ParseFailure.NOT_ARP_OR_NDP),
        refused("truncated arp", Arrays.copyOf(arpReq, 41), ParseFailure.MALFORMED),
        refused("arp over token ring", patch(arpReq, 14, 0, 6), ParseFailure.NOT_ARP_OR_NDP),
        refused(
            "arp for ipv6 protocol", patch(arpReq, 16, 0x86, 0xDD), ParseFailure.NOT_ARP_OR_NDP),
        refused("arp hardware length 8", patch(arpReq, 18, 8), ParseFailure.MALFORMED),
        refused("arp protocol length 16", patch(arpReq, 19, 16), ParseFailure.MALFORMED),
        refused("arp operation 3", patch(arpReq, 20, 0, 3), ParseFailure.NOT_ARP_OR_NDP),
        refused("truncated ipv6 header", Arrays.copyOf(ns, 50), ParseFailure.MALFORMED),
        refused("truncated ndp", Arrays.copyOf(ns, ns.length - 1), ParseFailure.MALFORMED),
        refused("ip version 4", ndp().version(4).build(), ParseFailure.MALFORMED),
        refused("payload length lies", ndp().payloadLength(200).build(), ParseFailure.MALFORMED),
        refused("payload length too short", ndp().payloadLength(3).build(), ParseFailure.MALFORMED),
        refused("payload length below 24", ndp().payloadLength(20).build(), ParseFailure.MALFORMED),
        refused("hop-by-hop header", ndp().nextHeader(0).build(), ParseFailure.NOT_ARP_OR_NDP),
        refused("icmpv6 echo request", ndp().type(128).build(), ParseFailure.NOT_ARP_OR_NDP),
        refused("router solicitation", ndp().type(133).build(), ParseFailure.NOT_ARP_OR_NDP),
        refused("hop limit 64", ndp().hopLimit(64).build(), ParseFailure.BAD_HOP_LIMIT),
        refused(
            "na hop limit 254", ndp().type(136).hopLimit(254).build(), ParseFailure.BAD_HOP_LIMIT),
        refused("bad checksum", ndp().breakChecksum().build(), ParseFailure.BAD_CHECKSUM),
        refused("flipped target bit", patch(ns, 70, ns[70] ^ 1), ParseFailure.BAD_CHECKSUM),
        refused("icmp code 1", ndp().code(1).build(), ParseFailure.MALFORMED),
        refused("multicast source", ndp().src("ff02::2").build(), ParseFailure.MALFORMED),
        refused("multicast target", ndp().target("ff02::1").build(), ParseFailure.MALFORMED),
        refused("zero-length option", ndp().rawOption(1, 0).build(), ParseFailure.MALFORMED),
        refused("option past the end", ndp().rawOption(1, 2, 0, 0).build(), ParseFailure.MALFORMED),
        refused("one stray option byte", ndp().rawOption(1).build(), ParseFailure.MALFORMED),
        refused(
            "dad probe with source link-layer option",
            ndp().src("::").dst("ff02::1:ff00:10").option(1, ASKER_MAC).build(),
            ParseFailure.MALFORMED),
        refused(
            "dad probe not to the solicited-node group",
            ndp().src("::").dst("ff02::1").build(),
            ParseFailure.MALFORMED),
        refused(
            "solicited advertisement to all nodes",
            ndp().type(136).flags(0x60).dst("ff02::1").build(),
            ParseFailure.MALFORMED));
  }

  private static Arguments refused(String why, byte[] frame, ParseFailure expected) {
    return Arguments.of(why, frame, expected);
  }

  @Test
  void refusesNullAndLengthsOutsideTheBuffer() {
    byte[] frame = arpRequest(ASKER_MAC, "192.0.2.9", "192.0.2.10");

    assertFailure(ParseFailure.MALFORMED, FrameParser.parse(null));
    assertFailure(ParseFailure.MALFORMED, FrameParser.parse(null, 10));
    assertFailure(ParseFailure.MALFORMED, FrameParser.parse(frame, -1));
    assertFailure(ParseFailure.MALFORMED, FrameParser.parse(frame, frame.length + 1));
  }

  private static void assertFailure(ParseFailure expected, ParsedFrame parsed) {
    Unparsed unparsed = assertInstanceOf(Unparsed.class, parsed);
    assertEquals(expected, unparsed.failure(), unparsed.detail());
  }
}
