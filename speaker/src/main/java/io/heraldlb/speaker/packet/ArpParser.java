package io.heraldlb.speaker.packet;

import static io.heraldlb.speaker.packet.ParseFailure.MALFORMED;
import static io.heraldlb.speaker.packet.ParseFailure.NOT_ARP_OR_NDP;

/** The ARP part of {@link FrameParser}. */
final class ArpParser {
  private ArpParser() {}

  static final int ARP_LENGTH = 28;
  static final int HTYPE_ETHERNET = 1;

  private static final Unparsed TRUNCATED = new Unparsed(MALFORMED, "truncated ARP packet");
  private static final Unparsed BAD_SIZES =
      new Unparsed(MALFORMED, "ARP address lengths are not 6 and 4");
  private static final Unparsed FOREIGN =
      new Unparsed(NOT_ARP_OR_NDP, "ARP for another hardware or protocol type");

  static ParsedFrame parse(byte[] frame, int arp, int length, Ethernet ethernet) {
    if (length - arp < ARP_LENGTH) {
      return TRUNCATED;
    }
    if (Bytes.u16(frame, arp) != HTYPE_ETHERNET || Bytes.u16(frame, arp + 2) != EtherTypes.IPV4) {
      return FOREIGN;
    }
    if (Bytes.u8(frame, arp + 4) != 6 || Bytes.u8(frame, arp + 5) != 4) {
      return BAD_SIZES;
    }
    int op = Bytes.u16(frame, arp + 6);
    if (op != ArpFrame.REQUEST && op != ArpFrame.REPLY) {
      return new Unparsed(NOT_ARP_OR_NDP, "ARP operation " + op);
    }
    return new ArpFrame(
        ethernet,
        op,
        MacAddress.read(frame, arp + 8),
        Bytes.readIpv4(frame, arp + 14),
        MacAddress.read(frame, arp + 18),
        Bytes.readIpv4(frame, arp + 24));
  }
}
