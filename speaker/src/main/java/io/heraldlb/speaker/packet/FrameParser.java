package io.heraldlb.speaker.packet;

import static io.heraldlb.speaker.packet.ParseFailure.MALFORMED;
import static io.heraldlb.speaker.packet.ParseFailure.NOT_ARP_OR_NDP;

/**
 * Turns a captured Ethernet frame into an {@link ArpFrame}, an {@link NdpFrame} or an {@link
 * Unparsed} with the reason. Never throws, whatever the bytes: the frames come from the network.
 */
public final class FrameParser {
  private FrameParser() {}

  static final int ETHERNET_HEADER = 14;
  static final int VLAN_TAG = 4;

  private static final Unparsed TOO_SHORT =
      new Unparsed(MALFORMED, "shorter than an Ethernet header");
  private static final Unparsed BAD_LENGTH = new Unparsed(MALFORMED, "length outside the buffer");
  private static final Unparsed TRUNCATED_TAG = new Unparsed(MALFORMED, "truncated VLAN tag");
  private static final Unparsed STACKED_TAGS =
      new Unparsed(NOT_ARP_OR_NDP, "more than one VLAN tag");

  public static ParsedFrame parse(byte[] frame) {
    return frame == null ? BAD_LENGTH : parse(frame, frame.length);
  }

  /** Parses the first {@code length} bytes of {@code frame}. */
  public static ParsedFrame parse(byte[] frame, int length) {
    if (frame == null || length < 0 || length > frame.length) {
      return BAD_LENGTH;
    }
    if (length < ETHERNET_HEADER) {
      return TOO_SHORT;
    }
    int etherType = Bytes.u16(frame, 12);
    int vlanTci = Ethernet.NO_VLAN;
    int payload = ETHERNET_HEADER;
    if (etherType == EtherTypes.VLAN) {
      if (length < ETHERNET_HEADER + VLAN_TAG) {
        return TRUNCATED_TAG;
      }
      vlanTci = Bytes.u16(frame, 14);
      etherType = Bytes.u16(frame, 16);
      payload += VLAN_TAG;
      if (etherType == EtherTypes.VLAN || etherType == EtherTypes.QINQ) {
        return STACKED_TAGS;
      }
    }
    if (etherType != EtherTypes.ARP && etherType != EtherTypes.IPV6) {
      return new Unparsed(NOT_ARP_OR_NDP, "ethertype 0x" + Integer.toHexString(etherType));
    }
    Ethernet ethernet = new Ethernet(MacAddress.read(frame, 0), MacAddress.read(frame, 6), vlanTci);
    return etherType == EtherTypes.ARP
        ? ArpParser.parse(frame, payload, length, ethernet)
        : NdpParser.parse(frame, payload, length, ethernet);
  }
}
