package io.heraldlb.speaker.packet;

import io.heraldlb.config.IpAddress;

/**
 * Writes Neighbor Advertisements into a caller's buffer and returns their length. The source
 * address of an advertisement is the announced address itself: it is assigned to this node for as
 * long as we announce it, which is all RFC 4861 asks, and it spares us the interface's link-local
 * address.
 */
public final class NdpWriter {
  private NdpWriter() {}

  /** ICMPv6 NA with one target link-layer address option. */
  static final int NA_LENGTH = NdpParser.NDP_MIN_LENGTH + 8;

  /** The longest frame written here: Ethernet, one VLAN tag, IPv6, the NA. */
  public static final int MAX_LENGTH =
      FrameParser.ETHERNET_HEADER + FrameParser.VLAN_TAG + NdpParser.IPV6_HEADER + NA_LENGTH;

  /**
   * Answers {@code solicitation} with a solicited NA (Solicited and Override set) for its target at
   * {@code ourMac}. A duplicate address detection probe (source {@code ::}) has no address to
   * answer to, so the NA goes to all nodes with Solicited clear (RFC 4861 section 7.2.4).
   */
  public static int writeSolicitedAdvertisement(
      byte[] out, NdpFrame solicitation, MacAddress ourMac) {
    if (!solicitation.isSolicitation()) {
      throw new IllegalArgumentException("not a neighbor solicitation: " + solicitation);
    }
    int vlan = solicitation.ethernet().vlanTci();
    if (solicitation.isDuplicateAddressDetection()) {
      return write(
          out,
          MacAddress.IPV6_ALL_NODES,
          ourMac,
          vlan,
          Ipv6.ALL_NODES,
          solicitation.target(),
          NdpFrame.FLAG_OVERRIDE);
    }
    MacAddress asker = solicitation.linkLayerAddress().orElse(solicitation.ethernet().source());
    return write(
        out,
        asker,
        ourMac,
        vlan,
        solicitation.source(),
        solicitation.target(),
        NdpFrame.FLAG_SOLICITED | NdpFrame.FLAG_OVERRIDE);
  }

  /** An unsolicited NA to all nodes telling that {@code target} is now at {@code mac}. */
  public static int writeUnsolicitedAdvertisement(
      byte[] out, MacAddress mac, IpAddress target, int vlanTci) {
    return write(
        out,
        MacAddress.IPV6_ALL_NODES,
        mac,
        vlanTci,
        Ipv6.ALL_NODES,
        target,
        NdpFrame.FLAG_OVERRIDE);
  }

  private static int write(
      byte[] out,
      MacAddress ethDestination,
      MacAddress ourMac,
      int vlanTci,
      IpAddress destination,
      IpAddress target,
      int flags) {
    if (target.isV4() || destination.isV4()) {
      throw new IllegalArgumentException("NDP is for IPv6 addresses, not " + target);
    }
    int ip =
        EthernetWriter.write(
            out,
            ethDestination,
            ourMac,
            vlanTci,
            EtherTypes.IPV6,
            NdpParser.IPV6_HEADER + NA_LENGTH);
    Bytes.putU16(out, ip, 0x6000); // version 6, traffic class 0, flow label 0
    Bytes.putU16(out, ip + 2, 0);
    Bytes.putU16(out, ip + 4, NA_LENGTH);
    out[ip + 6] = (byte) Icmpv6Checksum.NEXT_HEADER_ICMPV6;
    out[ip + 7] = (byte) NdpParser.HOP_LIMIT;
    Bytes.putIp(out, ip + 8, target);
    Bytes.putIp(out, ip + 24, destination);
    int icmp = ip + NdpParser.IPV6_HEADER;
    out[icmp] = (byte) NdpFrame.NEIGHBOR_ADVERTISEMENT;
    out[icmp + 1] = 0;
    Bytes.putU16(out, icmp + 2, 0);
    out[icmp + 4] = (byte) flags;
    out[icmp + 5] = 0;
    Bytes.putU16(out, icmp + 6, 0);
    Bytes.putIp(out, icmp + 8, target);
    out[icmp + 24] = (byte) NdpParser.OPTION_TARGET_LLA;
    out[icmp + 25] = 1;
    ourMac.writeTo(out, icmp + 26);
    Icmpv6Checksum.fill(out, ip, NA_LENGTH);
    return icmp + NA_LENGTH;
  }
}
