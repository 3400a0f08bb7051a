package io.heraldlb.it.lab;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Builds Ethernet frames for {@link LabClient#sendFrames}: well-formed ARP and NDP (to spoof) and
 * helpers to break them (to fuzz the LAN). Written independently of the speaker's own codec so a
 * shared mistake cannot hide.
 */
public final class Frames {
  public static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final int ETHERTYPE_ARP = 0x0806;
  private static final int ETHERTYPE_IPV6 = 0x86dd;
  private static final int ICMPV6 = 58;

  private Frames() {}

  /** Any ARP frame; {@code op} 1 is a request, 2 a reply. */
  public static byte[] arp(
      String dstMac, String srcMac, int op, String sha, String spa, String tha, String tpa) {
    ByteBuffer b = ByteBuffer.allocate(42);
    ethernet(b, dstMac, srcMac, ETHERTYPE_ARP);
    b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4);
    b.putShort((short) op).put(mac(sha)).put(ip(spa)).put(mac(tha)).put(ip(tpa));
    return b.array();
  }

  /** Who has {@code targetIp}? (broadcast) */
  public static byte[] arpRequest(String senderMac, String senderIp, String targetIp) {
    return arp(BROADCAST, senderMac, 1, senderMac, senderIp, "00:00:00:00:00:00", targetIp);
  }

  /** {@code senderIp} is at {@code senderMac}, told to one host. */
  public static byte[] arpReply(
      String senderMac, String senderIp, String targetMac, String targetIp) {
    return arp(targetMac, senderMac, 2, senderMac, senderIp, targetMac, targetIp);
  }

  /** A gratuitous ARP in the reply form: broadcast, sender and target IP both {@code ip}. */
  public static byte[] gratuitousArp(String mac, String ip) {
    return arp(BROADCAST, mac, 2, mac, ip, BROADCAST, ip);
  }

  /** A Neighbor Solicitation for {@code target} to its solicited-node multicast address. */
  public static byte[] neighborSolicitation(String srcMac, String srcIp, String target) {
    byte[] t = ip(target);
    byte[] group = ip("ff02::1:ff00:0");
    System.arraycopy(t, 13, group, 13, 3);
    String groupMac = String.format("33:33:ff:%02x:%02x:%02x", t[13], t[14], t[15]);
    ByteBuffer icmp = ByteBuffer.allocate(32);
    icmp.put((byte) 135).put((byte) 0).putShort((short) 0).putInt(0).put(t);
    icmp.put((byte) 1).put((byte) 1).put(mac(srcMac));
    return ipv6Frame(groupMac, srcMac, ip(srcIp), group, icmp.array());
  }

  /** {@code frame} with an 802.1Q tag for {@code vlan} (priority 0) after the MAC addresses. */
  public static byte[] tagged(byte[] frame, int vlan) {
    ByteBuffer b = ByteBuffer.allocate(frame.length + 4);
    b.put(frame, 0, 12).putShort((short) 0x8100).putShort((short) vlan);
    return b.put(frame, 12, frame.length - 12).array();
  }

  /** The first {@code length} bytes of a frame. */
  public static byte[] truncate(byte[] frame, int length) {
    return Arrays.copyOf(frame, Math.min(length, frame.length));
  }

  /** A copy of {@code frame} with one byte replaced (a bad length, opcode, checksum...). */
  public static byte[] withByte(byte[] frame, int offset, int value) {
    byte[] copy = frame.clone();
    copy[offset] = (byte) value;
    return copy;
  }

  private static byte[] ipv6Frame(
      String dstMac, String srcMac, byte[] src, byte[] dst, byte[] icmp) {
    int checksum = icmpv6Checksum(src, dst, icmp);
    icmp[2] = (byte) (checksum >> 8);
    icmp[3] = (byte) checksum;
    ByteBuffer b = ByteBuffer.allocate(14 + 40 + icmp.length);
    ethernet(b, dstMac, srcMac, ETHERTYPE_IPV6);
    b.putInt(0x60000000).putShort((short) icmp.length).put((byte) ICMPV6).put((byte) 255);
    b.put(src).put(dst).put(icmp);
    return b.array();
  }

  /** RFC 4443 section 2.3: over the pseudo-header (addresses, length, next header) and body. */
  static int icmpv6Checksum(byte[] src, byte[] dst, byte[] icmp) {
    ByteBuffer pseudo = ByteBuffer.allocate(40 + icmp.length + 1);
    pseudo.put(src).put(dst).putInt(icmp.length).putInt(ICMPV6).put(icmp);
    byte[] bytes = pseudo.array();
    long sum = 0;
    for (int i = 0; i + 1 < 40 + icmp.length + 1; i += 2) {
      sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  private static void ethernet(ByteBuffer b, String dst, String src, int type) {
    b.put(mac(dst)).put(mac(src)).putShort((short) type);
  }

  static byte[] mac(String mac) {
    return HexFormat.ofDelimiter(":").parseHex(mac.toLowerCase());
  }

  static byte[] ip(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: " + literal, e);
    }
  }
}
