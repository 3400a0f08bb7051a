package io.heraldlb.speaker.packet;

import io.heraldlb.config.IpAddress;

/**
 * Writes ARP frames into a caller's buffer, so the reply path allocates no frame. Each method
 * returns the number of bytes written. Frames are not padded to 60 bytes: the NIC does that.
 */
public final class ArpWriter {
  private ArpWriter() {}

  /** The longest frame written here: Ethernet, one VLAN tag, ARP. */
  public static final int MAX_LENGTH =
      FrameParser.ETHERNET_HEADER + FrameParser.VLAN_TAG + ArpParser.ARP_LENGTH;

  /** The two forms of gratuitous ARP; hosts differ in which one updates their cache. */
  public enum GratuitousForm {
    REQUEST,
    REPLY
  }

  /**
   * Answers {@code request}: "{@code request.targetIp()} is at {@code ourMac}", sent to the asker's
   * hardware address, with the request's VLAN tag.
   */
  public static int writeReply(byte[] out, ArpFrame request, MacAddress ourMac) {
    int vlan = request.ethernet().vlanTci();
    return write(
        out,
        request.senderMac(),
        ourMac,
        vlan,
        ArpFrame.REPLY,
        request.targetIp(),
        request.senderMac(),
        request.senderIp());
  }

  /**
   * A broadcast announcing {@code ip} at {@code mac}. The request form has a zero target hardware
   * address (RFC 5227); the reply form repeats {@code mac} there (RFC 5944 section 4.6).
   */
  public static int writeGratuitous(
      byte[] out, GratuitousForm form, MacAddress mac, IpAddress ip, int vlanTci) {
    requireV4(ip);
    return form == GratuitousForm.REQUEST
        ? write(out, MacAddress.BROADCAST, mac, vlanTci, ArpFrame.REQUEST, ip, MacAddress.ZERO, ip)
        : write(out, MacAddress.BROADCAST, mac, vlanTci, ArpFrame.REPLY, ip, mac, ip);
  }

  private static int write(
      byte[] out,
      MacAddress ethDestination,
      MacAddress senderMac,
      int vlanTci,
      int operation,
      IpAddress senderIp,
      MacAddress targetMac,
      IpAddress targetIp) {
    int arp =
        EthernetWriter.write(
            out, ethDestination, senderMac, vlanTci, EtherTypes.ARP, ArpParser.ARP_LENGTH);
    Bytes.putU16(out, arp, ArpParser.HTYPE_ETHERNET);
    Bytes.putU16(out, arp + 2, EtherTypes.IPV4);
    out[arp + 4] = 6;
    out[arp + 5] = 4;
    Bytes.putU16(out, arp + 6, operation);
    senderMac.writeTo(out, arp + 8);
    Bytes.putIp(out, arp + 14, senderIp);
    targetMac.writeTo(out, arp + 18);
    Bytes.putIp(out, arp + 24, targetIp);
    return arp + ArpParser.ARP_LENGTH;
  }

  private static void requireV4(IpAddress ip) {
    if (!ip.isV4()) {
      throw new IllegalArgumentException("ARP announces IPv4 addresses, not " + ip);
    }
  }
}
