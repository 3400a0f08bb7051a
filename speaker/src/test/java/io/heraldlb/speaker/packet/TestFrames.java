package io.heraldlb.speaker.packet;

import io.heraldlb.config.IpAddress;
import java.io.ByteArrayOutputStream;

/** Builds ARP and NDP frames for tests, including broken ones. */
public final class TestFrames {
  private TestFrames() {}

  public static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:01");
  public static final MacAddress ASKER_MAC = MacAddress.parse("02:00:00:00:00:aa");
  public static final MacAddress OTHER_MAC = MacAddress.parse("02:00:00:00:00:bb");

  public static IpAddress ip(String text) {
    return IpAddress.parse(text);
  }

  /** An ARP packet, Ethernet header included. */
  public static byte[] arp(
      int op,
      MacAddress ethDst,
      MacAddress ethSrc,
      int vlanTci,
      MacAddress sha,
      String spa,
      MacAddress tha,
      String tpa) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ethernet(out, ethDst, ethSrc, vlanTci, 0x0806);
    u16(out, 1);
    u16(out, 0x0800);
    out.write(6);
    out.write(4);
    u16(out, op);
    out.writeBytes(sha.toBytes());
    out.writeBytes(ip(spa).toBytes());
    out.writeBytes(tha.toBytes());
    out.writeBytes(ip(tpa).toBytes());
    return out.toByteArray();
  }

  /** A broadcast "who has {@code targetIp}? tell {@code senderIp}" from {@code from}. */
  public static byte[] arpRequest(MacAddress from, String senderIp, String targetIp) {
    return arp(1, MacAddress.BROADCAST, from, -1, from, senderIp, MacAddress.ZERO, targetIp);
  }

  public static byte[] arpReply(MacAddress from, String senderIp, MacAddress to, String targetIp) {
    return arp(2, to, from, -1, from, senderIp, to, targetIp);
  }

  /** A neighbor solicitation for {@code target} to its solicited-node group, with SLLA. */
  public static byte[] neighborSolicitation(MacAddress from, String source, String target) {
    IpAddress group = Ipv6.solicitedNodeGroup(ip(target));
    return ndp()
        .ethDst(MacAddress.ofIpv6Multicast(group))
        .ethSrc(from)
        .src(source)
        .dst(group.toString())
        .target(target)
        .option(1, from)
        .build();
  }

  public static Ndp ndp() {
    return new Ndp();
  }

  /** A mutable NDP frame description; every field can be set to something wrong. */
  public static final class Ndp {
    MacAddress ethDst = MacAddress.IPV6_ALL_NODES;
    MacAddress ethSrc = ASKER_MAC;
    int vlanTci = -1;
    int version = 6;
    int nextHeader = 58;
    int hopLimit = 255;
    String src = "fe80::aa";
    String dst = "ff02::1";
    int type = 135;
    int code = 0;
    int flags = 0;
    String target = "2001:db8::10";
    ByteArrayOutputStream options = new ByteArrayOutputStream();
    Integer payloadLength;
    boolean breakChecksum;

    public Ndp ethDst(MacAddress v) {
      ethDst = v;
      return this;
    }

    public Ndp ethSrc(MacAddress v) {
      ethSrc = v;
      return this;
    }

    public Ndp vlan(int v) {
      vlanTci = v;
      return this;
    }

    public Ndp version(int v) {
      version = v;
      return this;
    }

    public Ndp nextHeader(int v) {
      nextHeader = v;
      return this;
    }

    public Ndp hopLimit(int v) {
      hopLimit = v;
      return this;
    }

    public Ndp src(String v) {
      src = v;
      return this;
    }

    public Ndp dst(String v) {
      dst = v;
      return this;
    }

    public Ndp type(int v) {
      type = v;
      return this;
    }

    public Ndp code(int v) {
      code = v;
      return this;
    }

    public Ndp flags(int v) {
      flags = v;
      return this;
    }

    public Ndp target(String v) {
      target = v;
      return this;
    }

    /** A link-layer address option (type 1 source, 2 target). */
    public Ndp option(int optionType, MacAddress mac) {
      options.write(optionType);
      options.write(1);
      options.writeBytes(mac.toBytes());
      return this;
    }

    public Ndp rawOption(int... bytes) {
      for (int b : bytes) {
        options.write(b);
      }
      return this;
    }

    /** Writes this value in the IPv6 payload length field instead of the true one. */
    public Ndp payloadLength(int v) {
      payloadLength = v;
      return this;
    }

    public Ndp breakChecksum() {
      breakChecksum = true;
      return this;
    }

    public byte[] build() {
      ByteArrayOutputStream icmp = new ByteArrayOutputStream();
      icmp.write(type);
      icmp.write(code);
      u16(icmp, 0);
      icmp.write(flags);
      icmp.writeBytes(new byte[3]);
      icmp.writeBytes(ip(target).toBytes());
      icmp.writeBytes(options.toByteArray());
      byte[] message = icmp.toByteArray();
      int sum = ReferenceChecksum.icmpv6(ip(src), ip(dst), message);
      message[2] = (byte) ((sum >>> 8) ^ (breakChecksum ? 0x5A : 0));
      message[3] = (byte) sum;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ethernet(out, ethDst, ethSrc, vlanTci, 0x86DD);
      out.write(version << 4);
      out.writeBytes(new byte[3]);
      u16(out, payloadLength != null ? payloadLength : message.length);
      out.write(nextHeader);
      out.write(hopLimit);
      out.writeBytes(ip(src).toBytes());
      out.writeBytes(ip(dst).toBytes());
      out.writeBytes(message);
      return out.toByteArray();
    }
  }

  static void ethernet(
      ByteArrayOutputStream out, MacAddress dst, MacAddress src, int vlanTci, int etherType) {
    out.writeBytes(dst.toBytes());
    out.writeBytes(src.toBytes());
    if (vlanTci >= 0) {
      u16(out, 0x8100);
      u16(out, vlanTci);
    }
    u16(out, etherType);
  }

  static void u16(ByteArrayOutputStream out, int v) {
    out.write(v >>> 8);
    out.write(v);
  }

  /**
   * Recomputes the ICMPv6 checksum of an untagged or single-tagged IPv6 frame whose payload length
   * fits, so that a mutated frame gets past the checksum check; leaves other frames alone.
   */
  public static void fixChecksum(byte[] frame) {
    if (frame.length < 18) {
      return;
    }
    boolean tagged = Bytes.u16(frame, 12) == 0x8100;
    int ip = tagged ? 18 : 14;
    if (Bytes.u16(frame, ip - 2) != 0x86DD || frame.length < ip + 40 + 4) {
      return;
    }
    int icmpLength = Bytes.u16(frame, ip + 4);
    if (icmpLength >= 4 && ip + 40 + icmpLength <= frame.length) {
      Icmpv6Checksum.fill(frame, ip, icmpLength);
    }
  }

  /** Copies {@code frame} with the bytes at {@code offset} replaced. */
  public static byte[] patch(byte[] frame, int offset, int... values) {
    byte[] copy = frame.clone();
    for (int i = 0; i < values.length; i++) {
      copy[offset + i] = (byte) values[i];
    }
    return copy;
  }
}
