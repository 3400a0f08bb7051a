package io.heraldlb.speaker.packet;

import static io.heraldlb.speaker.packet.TestFrames.ASKER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OUR_MAC;
import static io.heraldlb.speaker.packet.TestFrames.arp;
import static io.heraldlb.speaker.packet.TestFrames.arpRequest;
import static io.heraldlb.speaker.packet.TestFrames.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.heraldlb.speaker.packet.ArpWriter.GratuitousForm;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArpWriterTest {

  private final byte[] out = new byte[ArpWriter.MAX_LENGTH];

  @Test
  void writesReplyToTheAskerWithOurMacForTheRequestedIp() {
    ArpFrame request =
        (ArpFrame) FrameParser.parse(arpRequest(ASKER_MAC, "192.0.2.9", "192.0.2.10"));

    int length = ArpWriter.writeReply(out, request, OUR_MAC);

    byte[] expected = arp(2, ASKER_MAC, OUR_MAC, -1, OUR_MAC, "192.0.2.10", ASKER_MAC, "192.0.2.9");
    assertArrayEquals(expected, Arrays.copyOf(out, length));
  }

  @Test
  void replyCarriesTheRequestsVlanTag() {
    byte[] tagged =
        arp(
            1,
            MacAddress.BROADCAST,
            ASKER_MAC,
            0x2005,
            ASKER_MAC,
            "10.1.1.1",
            MacAddress.ZERO,
            "10.1.1.2");
    ArpFrame request = (ArpFrame) FrameParser.parse(tagged);

    int length = ArpWriter.writeReply(out, request, OUR_MAC);

    assertEquals(46, length);
    ArpFrame reply = (ArpFrame) FrameParser.parse(out, length);
    assertEquals(0x2005, reply.ethernet().vlanTci());
    assertEquals(ip("10.1.1.2"), reply.senderIp());
    assertEquals(ip("10.1.1.1"), reply.targetIp());
  }

  @Test
  void repliesToAnArpProbeFromTheZeroAddress() {
    ArpFrame probe = (ArpFrame) FrameParser.parse(arpRequest(ASKER_MAC, "0.0.0.0", "192.0.2.10"));

    ArpFrame reply = (ArpFrame) FrameParser.parse(out, ArpWriter.writeReply(out, probe, OUR_MAC));

    assertEquals(ip("0.0.0.0"), reply.targetIp());
    assertEquals(ASKER_MAC, reply.ethernet().destination());
  }

  @Test
  void writesGratuitousRequestWithZeroTargetMacToBroadcast() {
    int length =
        ArpWriter.writeGratuitous(out, GratuitousForm.REQUEST, OUR_MAC, ip("192.0.2.10"), -1);

    byte[] expected =
        arp(
            1,
            MacAddress.BROADCAST,
            OUR_MAC,
            -1,
            OUR_MAC,
            "192.0.2.10",
            MacAddress.ZERO,
            "192.0.2.10");
    assertArrayEquals(expected, Arrays.copyOf(out, length));
  }

  @Test
  void writesGratuitousReplyWithOurMacAsTargetToBroadcast() {
    int length =
        ArpWriter.writeGratuitous(out, GratuitousForm.REPLY, OUR_MAC, ip("192.0.2.10"), -1);

    byte[] expected =
        arp(2, MacAddress.BROADCAST, OUR_MAC, -1, OUR_MAC, "192.0.2.10", OUR_MAC, "192.0.2.10");
    assertArrayEquals(expected, Arrays.copyOf(out, length));
  }

  @Test
  void gratuitousArpParsesBackAsGratuitous() {
    for (GratuitousForm form : GratuitousForm.values()) {
      int length = ArpWriter.writeGratuitous(out, form, OUR_MAC, ip("192.0.2.10"), 7);
      ArpFrame garp = (ArpFrame) FrameParser.parse(out, length);
      assertEquals(true, garp.isGratuitous(), form.name());
      assertEquals(7, garp.ethernet().vlanId());
    }
  }

  @Test
  void refusesBufferTooSmallAndIpv6Address() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ArpWriter.writeGratuitous(
                new byte[41], GratuitousForm.REQUEST, OUR_MAC, ip("192.0.2.1"), -1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ArpWriter.writeGratuitous(out, GratuitousForm.REQUEST, OUR_MAC, ip("2001:db8::1"), -1));
  }
}
