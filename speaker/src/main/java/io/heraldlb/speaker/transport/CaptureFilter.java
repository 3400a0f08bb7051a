package io.heraldlb.speaker.transport;

import io.heraldlb.config.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The kernel filter of an interface, a classic BPF program built from the addresses announced on
 * it: ARP whose target (a request to answer) or sender (a claim that conflicts) is one of them, and
 * neighbor solicitations and advertisements for them. A speaker is thus not woken by the ARP of the
 * whole segment — on a busy network most of it, and on a small machine the wake-ups of idle
 * speakers delay the one that answers. Nothing announced: nothing is captured.
 *
 * <p>Offsets are from the Ethernet header, as a packet socket sees the frame (a VLAN tag the device
 * took off is not in it). A load past the end of a frame rejects it, so truncated frames never
 * reach the speaker. IPv6 is matched without extension headers, as Neighbor Discovery sends it.
 */
final class CaptureFilter {
  private CaptureFilter() {}

  /** Above this many addresses one interface captures all ARP/NDP: a filter has 4,096 steps. */
  static final int MAX_ADDRESSES = 256;

  /** One instruction, laid out as {@code struct sock_filter}. */
  record Insn(int code, int jt, int jf, int k) {}

  static final int LD_W = 0x20; // BPF_LD | BPF_W | BPF_ABS
  static final int LD_H = 0x28; // BPF_LD | BPF_H | BPF_ABS
  static final int LD_B = 0x30; // BPF_LD | BPF_B | BPF_ABS
  static final int JA = 0x05; // BPF_JMP | BPF_JA
  static final int JEQ = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
  static final int RET = 0x06; // BPF_RET | BPF_K

  private static final int ETHERTYPE = 12;
  private static final int ETHERTYPE_ARP = 0x0806;
  private static final int ETHERTYPE_IPV6 = 0x86dd;
  private static final int ARP_SENDER_IP = 14 + 14;
  private static final int ARP_TARGET_IP = 14 + 24;
  private static final int IPV6_NEXT_HEADER = 14 + 6;
  private static final int ICMPV6 = 58;
  private static final int ICMPV6_TYPE = 14 + 40;
  private static final int NDP_TARGET = 14 + 48;
  private static final int NEIGHBOR_SOLICITATION = 135;
  private static final int NEIGHBOR_ADVERTISEMENT = 136;

  /** Accepts nothing. */
  static final List<Insn> REJECT_ALL = List.of(new Insn(RET, 0, 0, 0));

  /**
   * The program for {@code addresses}, keeping at most {@code snaplen} bytes of a frame; any ARP
   * and NS/NA above {@link #MAX_ADDRESSES}, none with no address.
   */
  static List<Insn> of(Set<IpAddress> addresses, int snaplen) {
    if (addresses.isEmpty()) {
      return REJECT_ALL;
    }
    if (addresses.size() > MAX_ADDRESSES) {
      return all(snaplen);
    }
    List<IpAddress> v4 = new ArrayList<>();
    List<IpAddress> v6 = new ArrayList<>();
    for (IpAddress ip : new TreeSet<>(addresses)) {
      (ip.isV4() ? v4 : v6).add(ip);
    }
    return program(v4, v6, snaplen);
  }

  /** Any ARP and any NS/NA: before the first table, and for very many addresses. */
  static List<Insn> all(int snaplen) {
    return program(null, null, snaplen);
  }

  /** Null for a family: any address of it. */
  private static List<Insn> program(List<IpAddress> v4, List<IpAddress> v6, int snaplen) {
    List<Insn> arp = arp(v4, snaplen);
    List<Insn> p = new ArrayList<>();
    p.add(new Insn(LD_H, 0, 0, ETHERTYPE));
    p.add(new Insn(JEQ, 1, 0, ETHERTYPE_ARP));
    p.add(new Insn(JA, 0, 0, arp.size())); // over the ARP part, which may be longer than 255
    p.addAll(arp);
    p.add(new Insn(JEQ, 1, 0, ETHERTYPE_IPV6));
    p.add(new Insn(RET, 0, 0, 0));
    p.addAll(ndp(v6, snaplen));
    return List.copyOf(p);
  }

  /** ARP, the ethertype checked: a sender or target among {@code v4}, or any if null. */
  private static List<Insn> arp(List<IpAddress> v4, int snaplen) {
    List<Insn> p = new ArrayList<>();
    if (v4 == null) {
      p.add(new Insn(RET, 0, 0, snaplen));
      return p;
    }
    for (int offset : new int[] {ARP_TARGET_IP, ARP_SENDER_IP}) {
      if (v4.isEmpty()) {
        break;
      }
      p.add(new Insn(LD_W, 0, 0, offset));
      for (IpAddress ip : v4) {
        p.add(new Insn(JEQ, 0, 1, word(ip.toBytes(), 0)));
        p.add(new Insn(RET, 0, 0, snaplen));
      }
    }
    p.add(new Insn(RET, 0, 0, 0));
    return p;
  }

  /** IPv6, the ethertype checked: an NS or NA whose target is among {@code v6}, or any if null. */
  private static List<Insn> ndp(List<IpAddress> v6, int snaplen) {
    List<Insn> p = new ArrayList<>();
    if (v6 != null && v6.isEmpty()) {
      p.add(new Insn(RET, 0, 0, 0));
      return p;
    }
    p.add(new Insn(LD_B, 0, 0, IPV6_NEXT_HEADER));
    p.add(new Insn(JEQ, 1, 0, ICMPV6));
    p.add(new Insn(RET, 0, 0, 0));
    p.add(new Insn(LD_B, 0, 0, ICMPV6_TYPE));
    p.add(new Insn(JEQ, 2, 0, NEIGHBOR_SOLICITATION));
    p.add(new Insn(JEQ, 1, 0, NEIGHBOR_ADVERTISEMENT));
    p.add(new Insn(RET, 0, 0, 0));
    if (v6 == null) {
      p.add(new Insn(RET, 0, 0, snaplen));
      return p;
    }
    for (IpAddress ip : v6) {
      // Four words compared in turn; a mismatch skips to the next address's block of nine.
      byte[] b = ip.toBytes();
      for (int i = 0; i < 4; i++) {
        p.add(new Insn(LD_W, 0, 0, NDP_TARGET + 4 * i));
        p.add(new Insn(JEQ, 0, 7 - 2 * i, word(b, 4 * i)));
      }
      p.add(new Insn(RET, 0, 0, snaplen));
    }
    p.add(new Insn(RET, 0, 0, 0));
    return p;
  }

  private static int word(byte[] b, int i) {
    return (b[i] & 0xff) << 24
        | (b[i + 1] & 0xff) << 16
        | (b[i + 2] & 0xff) << 8
        | (b[i + 3] & 0xff);
  }
}
