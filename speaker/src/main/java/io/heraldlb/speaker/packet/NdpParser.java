package io.heraldlb.speaker.packet;

import static io.heraldlb.speaker.packet.ParseFailure.MALFORMED;
import static io.heraldlb.speaker.packet.ParseFailure.NOT_ARP_OR_NDP;

import io.heraldlb.config.IpAddress;
import java.util.Optional;

/** The IPv6 part of {@link FrameParser}: the validity checks of RFC 4861 sections 7.1.1-7.1.2. */
final class NdpParser {
  private NdpParser() {}

  static final int IPV6_HEADER = 40;
  static final int NDP_MIN_LENGTH = 24; // type, code, checksum, flags/reserved, target
  static final int OPTION_SOURCE_LLA = 1;
  static final int OPTION_TARGET_LLA = 2;
  static final int HOP_LIMIT = 255;

  private static final Unparsed TRUNCATED_IP = new Unparsed(MALFORMED, "truncated IPv6 header");
  private static final Unparsed NOT_V6 = new Unparsed(MALFORMED, "IP version is not 6");
  private static final Unparsed LYING_LENGTH =
      new Unparsed(MALFORMED, "IPv6 payload length runs past the frame");
  private static final Unparsed NOT_ICMP =
      new Unparsed(NOT_ARP_OR_NDP, "IPv6 without ICMPv6 right after the header");
  private static final Unparsed TRUNCATED_ICMP = new Unparsed(MALFORMED, "truncated ICMPv6");
  private static final Unparsed OTHER_ICMP =
      new Unparsed(NOT_ARP_OR_NDP, "ICMPv6 other than NS or NA");
  private static final Unparsed HOP_LIMIT_NOT_255 =
      new Unparsed(ParseFailure.BAD_HOP_LIMIT, "hop limit is not 255");
  private static final Unparsed CHECKSUM = new Unparsed(ParseFailure.BAD_CHECKSUM, "bad checksum");
  private static final Unparsed CODE_NOT_ZERO = new Unparsed(MALFORMED, "ICMPv6 code is not 0");
  private static final Unparsed MULTICAST_SOURCE =
      new Unparsed(MALFORMED, "multicast source address");
  private static final Unparsed MULTICAST_TARGET =
      new Unparsed(MALFORMED, "multicast target address");
  private static final Unparsed BAD_OPTION = new Unparsed(MALFORMED, "bad NDP option length");
  private static final Unparsed BAD_DAD =
      new Unparsed(MALFORMED, "solicitation from :: not to the solicited-node group, or with LLA");
  private static final Unparsed SOLICITED_MULTICAST =
      new Unparsed(MALFORMED, "solicited advertisement to a multicast address");

  /** Marks an option area that could not be walked; never handed out. */
  private static final Optional<MacAddress> INVALID = Optional.of(MacAddress.ZERO);

  static ParsedFrame parse(byte[] frame, int ip, int length, Ethernet ethernet) {
    if (length - ip < IPV6_HEADER) {
      return TRUNCATED_IP;
    }
    if ((Bytes.u8(frame, ip) >>> 4) != 6) {
      return NOT_V6;
    }
    int icmpLength = Bytes.u16(frame, ip + 4);
    if (icmpLength > length - ip - IPV6_HEADER) {
      return LYING_LENGTH;
    }
    if (Bytes.u8(frame, ip + 6) != Icmpv6Checksum.NEXT_HEADER_ICMPV6) {
      return NOT_ICMP;
    }
    int icmp = ip + IPV6_HEADER;
    if (icmpLength < 4) {
      return TRUNCATED_ICMP;
    }
    int type = Bytes.u8(frame, icmp);
    if (type != NdpFrame.NEIGHBOR_SOLICITATION && type != NdpFrame.NEIGHBOR_ADVERTISEMENT) {
      return OTHER_ICMP;
    }
    if (Bytes.u8(frame, ip + 7) != HOP_LIMIT) {
      return HOP_LIMIT_NOT_255;
    }
    if (icmpLength < NDP_MIN_LENGTH) {
      return TRUNCATED_ICMP;
    }
    if (!Icmpv6Checksum.verify(frame, ip, icmpLength)) {
      return CHECKSUM;
    }
    if (Bytes.u8(frame, icmp + 1) != 0) {
      return CODE_NOT_ZERO;
    }
    return message(frame, ip, icmpLength, ethernet, type);
  }

  private static ParsedFrame message(
      byte[] frame, int ip, int icmpLength, Ethernet ethernet, int type) {
    int icmp = ip + IPV6_HEADER;
    IpAddress source = Bytes.readIpv6(frame, ip + 8);
    IpAddress destination = Bytes.readIpv6(frame, ip + 24);
    IpAddress target = Bytes.readIpv6(frame, icmp + 8);
    int flags = Bytes.u8(frame, icmp + 4);
    if (Ipv6.isMulticast(source)) {
      return MULTICAST_SOURCE;
    }
    if (Ipv6.isMulticast(target)) {
      return MULTICAST_TARGET;
    }
    boolean solicitation = type == NdpFrame.NEIGHBOR_SOLICITATION;
    int wanted = solicitation ? OPTION_SOURCE_LLA : OPTION_TARGET_LLA;
    Optional<MacAddress> lla =
        linkLayerOption(frame, icmp + NDP_MIN_LENGTH, icmp + icmpLength, wanted);
    if (lla == INVALID) {
      return BAD_OPTION;
    }
    if (solicitation
        && source.equals(Ipv6.UNSPECIFIED)
        && (lla.isPresent() || !destination.equals(Ipv6.solicitedNodeGroup(target)))) {
      return BAD_DAD;
    }
    if (!solicitation && Ipv6.isMulticast(destination) && (flags & NdpFrame.FLAG_SOLICITED) != 0) {
      return SOLICITED_MULTICAST;
    }
    return new NdpFrame(ethernet, source, destination, type, flags, target, lla);
  }

  /**
   * Walks the options in {@code [from, end)} and returns the first Ethernet link-layer address
   * option of type {@code wanted}; {@link #INVALID} when an option has length zero or runs past the
   * end (RFC 4861 says to drop such messages).
   */
  private static Optional<MacAddress> linkLayerOption(byte[] frame, int from, int end, int wanted) {
    Optional<MacAddress> found = Optional.empty();
    int at = from;
    while (at < end) {
      if (end - at < 2) {
        return INVALID;
      }
      int size = Bytes.u8(frame, at + 1) * 8;
      if (size == 0 || size > end - at) {
        return INVALID;
      }
      if (found.isEmpty() && Bytes.u8(frame, at) == wanted && size == 8) {
        found = Optional.of(MacAddress.read(frame, at + 2));
      }
      at += size;
    }
    return found;
  }
}
