package io.heraldlb.speaker.packet;

import static io.heraldlb.speaker.packet.TestFrames.ASKER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OTHER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OUR_MAC;
import static io.heraldlb.speaker.packet.TestFrames.ip;
import static io.heraldlb.speaker.packet.TestFrames.ndp;
import static io.heraldlb.speaker.packet.TestFrames.neighborSolicitation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NdpWriterTest {

  private final byte[] out = new byte[NdpWriter.MAX_LENGTH];

  private NdpFrame parseOut(int length) {
    return (NdpFrame) FrameParser.parse(out, length);
  }

  @Test
  void writesSolicitedAdvertisementBackToTheAsker() {
    NdpFrame ns =
        (NdpFrame)
            FrameParser.parse(neighborSolicitation(ASKER_MAC, "2001:db8::9", "2001:db8::10"));

    NdpFrame na = parseOut(NdpWriter.writeSolicitedAdvertisement(out, ns, OUR_MAC));

    assertTrue(na.isAdvertisement());
    assertTrue(na.solicited());
    assertTrue(na.override());
    assertFalse(na.router());
    assertEquals(ASKER_MAC, na.ethernet().destination());
    assertEquals(OUR_MAC, na.ethernet().source());
    assertEquals(ip("2001:db8::10"), na.source());
    assertEquals(ip("2001:db8::9"), na.destination());
    assertEquals(ip("2001:db8::10"), na.target());
    assertEquals(Optional.of(OUR_MAC), na.linkLayerAddress());
  }

  @Test
  void writesHopLimit255AndAChecksumAnIndependentSumAgreesWith() {
    NdpFrame ns =
        (NdpFrame)
            FrameParser.parse(neighborSolicitation(ASKER_MAC, "2001:db8::9", "2001:db8::10"));
    int length = NdpWriter.writeSolicitedAdvertisement(out, ns, OUR_MAC);

    assertEquals(86, length);
    assertEquals(255, out[21] & 0xFF);
    byte[] icmp = Arrays.copyOfRange(out, 54, length);
    int expected = ReferenceChecksum.icmpv6(ip("2001:db8::10"), ip("2001:db8::9"), icmp);
    assertEquals(expected, (icmp[2] & 0xFF) << 8 | (icmp[3] & 0xFF));
  }

  @Test
  void sendsToTheLinkLayerOptionRatherThanTheFrameSource() {
    byte[] frame =
        ndp()
            .ethSrc(OTHER_MAC)
            .src("2001:db8::9")
            .dst("ff02::1:ff00:10")
            .option(1, ASKER_MAC)
            .build();
    NdpFrame ns = (NdpFrame) FrameParser.parse(frame);

    NdpFrame na = parseOut(NdpWriter.writeSolicitedAdvertisement(out, ns, OUR_MAC));

    assertEquals(ASKER_MAC, na.ethernet().destination());
  }

  @Test
  void sendsToTheFrameSourceWithoutLinkLayerOption() {
    byte[] frame = ndp().ethSrc(OTHER_MAC).src("2001:db8::9").dst("2001:db8::10").build();
    NdpFrame ns = (NdpFrame) FrameParser.parse(frame);

    NdpFrame na = parseOut(NdpWriter.writeSolicitedAdvertisement(out, ns, OUR_MAC));

    assertEquals(OTHER_MAC, na.ethernet().destination());
  }

  @Test
  void answersDuplicateAddressDetectionToAllNodesWithoutSolicitedFlag() {
    byte[] frame = ndp().src("::").dst("ff02::1:ff00:10").target("2001:db8::10").build();
    NdpFrame dad = (NdpFrame) FrameParser.parse(frame);

    NdpFrame na = parseOut(NdpWriter.writeSolicitedAdvertisement(out, dad, OUR_MAC));

    assertEquals(MacAddress.IPV6_ALL_NODES, na.ethernet().destination());
    assertEquals(Ipv6.ALL_NODES, na.destination());
    assertFalse(na.solicited());
    assertTrue(na.override());
  }

  @Test
  void advertisementCarriesTheSolicitationsVlanTag() {
    NdpFrame ns = (NdpFrame) FrameParser.parse(ndp().vlan(0xE00A).dst("ff02::1:ff00:10").build());

    int length = NdpWriter.writeSolicitedAdvertisement(out, ns, OUR_MAC);

    assertEquals(90, length);
    assertEquals(0xE00A, parseOut(length).ethernet().vlanTci());
  }

  @Test
  void writesUnsolicitedAdvertisementToAllNodes() {
    int length = NdpWriter.writeUnsolicitedAdvertisement(out, OUR_MAC, ip("2001:db8::10"), -1);

    NdpFrame na = parseOut(length);
    assertEquals(MacAddress.parse("33:33:00:00:00:01"), na.ethernet().destination());
    assertEquals(OUR_MAC, na.ethernet().source());
    assertEquals(ip("ff02::1"), na.destination());
    assertEquals(ip("2001:db8::10"), na.target());
    assertTrue(na.override());
    assertFalse(na.solicited());
    assertFalse(na.router());
    assertEquals(Optional.of(OUR_MAC), na.linkLayerAddress());
  }

  @Test
  void refusesToAdvertiseIpv4AndToAnswerAnAdvertisement() {
    assertThrows(
        IllegalArgumentException.class,
        () -> NdpWriter.writeUnsolicitedAdvertisement(out, OUR_MAC, ip("192.0.2.1"), -1));
    int length = NdpWriter.writeUnsolicitedAdvertisement(out, OUR_MAC, ip("2001:db8::1"), -1);
    NdpFrame na = parseOut(length);
    assertThrows(
        IllegalArgumentException.class,
        () -> NdpWriter.writeSolicitedAdvertisement(out, na, OUR_MAC));
  }
}
