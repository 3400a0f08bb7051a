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

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpWriter;
import io.heraldlb.speaker.packet.FrameParser;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.NdpWriter;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConflictCheckTest {

  static final Link ETH0 = new Link("eth0", OUR_MAC);
  static final Set<IpAddress> ANNOUNCED = Set.of(ip("192.0.2.10"), ip("2001:db8::10"));

  @ParameterizedTest(name = "{0}")
  @MethodSource("conflicts")
  void reportsAnotherMacClaimingAnAnnouncedIp(String why, byte[] frame, String ip, MacAddress mac) {
    assertEquals(
        Optional.of(new Conflict(ip(ip), mac, "eth0")),
        ConflictCheck.check(FrameParser.parse(frame), ETH0, ANNOUNCED));
  }

  static Stream<Arguments> conflicts() {
    return Stream.of(
        Arguments.of(
            "arp reply from another mac",
            arpReply(OTHER_MAC, "192.0.2.10", ASKER_MAC, "192.0.2.9"),
            "192.0.2.10",
            OTHER_MAC),
        Arguments.of(
            "gratuitous arp request from another mac",
            arpRequest(OTHER_MAC, "192.0.2.10", "192.0.2.10"),
            "192.0.2.10",
            OTHER_MAC),
        Arguments.of(
            "gratuitous arp reply from another mac",
            arp(
                2,
                MacAddress.BROADCAST,
                OTHER_MAC,
                -1,
                OTHER_MAC,
                "192.0.2.10",
                OTHER_MAC,
                "192.0.2.10"),
            "192.0.2.10",
            OTHER_MAC),
        Arguments.of(
            "unsolicited na from another mac",
            unsolicitedNa(OTHER_MAC, "2001:db8::10"),
            "2001:db8::10",
            OTHER_MAC),
        Arguments.of(
            "na whose option names another mac",
            ndp()
                .type(136)
                .ethSrc(ASKER_MAC)
                .dst("2001:db8::9")
                .flags(0x60)
                .option(2, OTHER_MAC)
                .build(),
            "2001:db8::10",
            OTHER_MAC),
        Arguments.of(
            "na without option from another mac",
            ndp().type(136).ethSrc(OTHER_MAC).dst("2001:db8::9").flags(0x60).build(),
            "2001:db8::10",
            OTHER_MAC));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("noConflicts")
  void ignoresFramesThatClaimNothingOfOurs(String why, byte[] frame) {
    assertEquals(Optional.empty(), ConflictCheck.check(FrameParser.parse(frame), ETH0, ANNOUNCED));
  }

  static Stream<Arguments> noConflicts() {
    byte[] ourGarp = new byte[ArpWriter.MAX_LENGTH];
    int garpLength =
        ArpWriter.writeGratuitous(
            ourGarp, ArpWriter.GratuitousForm.REPLY, OUR_MAC, ip("192.0.2.10"), -1);
    return Stream.of(
        Arguments.of("our own gratuitous arp", Arrays.copyOf(ourGarp, garpLength)),
        Arguments.of("our own unsolicited na", unsolicitedNa(OUR_MAC, "2001:db8::10")),
        Arguments.of(
            "arp reply for an ip we do not announce",
            arpReply(OTHER_MAC, "192.0.2.11", ASKER_MAC, "192.0.2.9")),
        Arguments.of(
            "gratuitous arp for an ip we do not announce",
            arpRequest(OTHER_MAC, "192.0.2.11", "192.0.2.11")),
        Arguments.of("arp request for our ip", arpRequest(OTHER_MAC, "192.0.2.9", "192.0.2.10")),
        Arguments.of("arp probe for our ip", arpRequest(OTHER_MAC, "0.0.0.0", "192.0.2.10")),
        Arguments.of(
            "ns for our ip", neighborSolicitation(OTHER_MAC, "2001:db8::9", "2001:db8::10")),
        Arguments.of("na for an ip we do not announce", unsolicitedNa(OTHER_MAC, "2001:db8::11")),
        Arguments.of("malformed frame", new byte[20]));
  }

  private static byte[] unsolicitedNa(MacAddress from, String target) {
    byte[] out = new byte[NdpWriter.MAX_LENGTH];
    int length = NdpWriter.writeUnsolicitedAdvertisement(out, from, ip(target), -1);
    return Arrays.copyOf(out, length);
  }
}
