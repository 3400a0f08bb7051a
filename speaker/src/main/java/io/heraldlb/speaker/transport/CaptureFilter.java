package io.heraldlb.speaker.transport;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.EtherTypes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The kernel filter of an interface, a classic BPF program built from the addresses announced on
 * it: ARP whose target (a request to answer) or sender (a claim that conflicts) is one of them, and
 * neighbor solicitations and advertisements for them. A speaker is thus not woken by the ARP of the
 * whole segment — on a busy network most of it, and on a small machine the wake-ups of idle
 * speakers delay the one that answers. Nothing announced: nothing is captured.
 *
 * <p>Offsets are from the Ethernet header, as a packet socket sees the frame (a VLAN tag the device
 * took off is not in it). A load past the end of a frame rejects it, so truncated frames never
 * reach the speaker. IPv6 is matched without extension headers, as Neighbor Discovery sends it, and
 * on the last 32 bits of the target only: the responder compares whole addresses, and the kernel
 * charges a filter's size to the socket's option memory ({@code net.core.optmem_max}, with the old
 * and the new filter both counted during a swap), so a program is kept to one comparison per
 * address and per field: 128 IPv6 addresses attach with an optmem_max as low as 2048 bytes.
 */
final class CaptureFilter {
  private CaptureFilter() {}

  /** Above this many addresses one interface captures all ARP/NDP. */
  static final int MAX_ADDRESSES = 128;

  /** One instruction, laid out as {@code struct sock_filter}. */
  record Insn(int code, int jt, int jf, int k) {}

  static final int LD_W = 0x20; // BPF_LD | BPF_W | BPF_ABS
  static final int LD_H = 0x28; // BPF_LD | BPF_H | BPF_ABS
  static final int LD_B = 0x30; // BPF_LD | BPF_B | BPF_ABS
  static final int JA = 0x05; // BPF_JMP | BPF_JA
  static final int JEQ = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
  static final int RET = 0x06; // BPF_RET | BPF_K

  private static final int ETHERTYPE = 12;
  private static final int ARP_SENDER_IP = 14 + 14;
  private static final int ARP_TARGET_IP = 14 + 24;
  private static final int IPV6_NEXT_HEADER = 14 + 6;
  private static final int ICMPV6 = 58;
  private static final int ICMPV6_TYPE = 14 + 40;
  private static final int NDP_TARGET_LAST_WORD = 14 + 48 + 12;
  private static final int NEIGHBOR_SOLICITATION = 135;
  private static final int NEIGHBOR_ADVERTISEMENT = 136;

  /** Comparisons that share one accepting return: a jump reaches at most 255 instructions on. */
  private static final int CHUNK = 200;

  /** Writes {@code program} as {@code struct sock_filter[]} (the layout of libpcap's bpf_insn). */
  static void encode(List<Insn> program, ByteBuffer into) {
    for (int i = 0; i < program.size(); i++) {
      Insn insn = program.get(i);
      into.putShort(8 * i, (short) insn.code());
      into.put(8 * i + 2, (byte) insn.jt());
      into.put(8 * i + 3, (byte) insn.jf());
      into.putInt(8 * i + 4, insn.k());
    }
  }

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
    Set<Integer> v4 = new TreeSet<>();
    Set<Integer> v6 = new TreeSet<>();
    for (IpAddress ip : addresses) {
      byte[] b = ip.toBytes();
      (ip.isV4() ? v4 : v6).add(word(b, b.length - 4));
    }
    return program(List.copyOf(v4), List.copyOf(v6), snaplen);
  }

  /** Any ARP and any NS/NA: before the first table, and for very many addresses. */
  static List<Insn> all(int snaplen) {
    return program(null, null, snaplen);
  }

  /** Null for a family: any address of it. */
  private static List<Insn> program(
      @Nullable List<Integer> v4, @Nullable List<Integer> v6, int snaplen) {
    List<Insn> arp = new ArrayList<>();
    if (v4 == null) {
      arp.add(new Insn(RET, 0, 0, snaplen));
    } else {
      if (!v4.isEmpty()) {
        matchWord(arp, ARP_TARGET_IP, v4, snaplen);
        matchWord(arp, ARP_SENDER_IP, v4, snaplen);
      }
      arp.add(new Insn(RET, 0, 0, 0));
    }
    List<Insn> p = new ArrayList<>();
    p.add(new Insn(LD_H, 0, 0, ETHERTYPE));
    p.add(new Insn(JEQ, 1, 0, EtherTypes.ARP));
    p.add(new Insn(JA, 0, 0, arp.size())); // over the ARP part, which may be longer than 255
    p.addAll(arp);
    if (v6 != null && v6.isEmpty()) {
      p.add(new Insn(RET, 0, 0, 0));
      return List.copyOf(p);
    }
    p.add(new Insn(JEQ, 1, 0, EtherTypes.IPV6));
    p.add(new Insn(RET, 0, 0, 0));
    p.add(new Insn(LD_B, 0, 0, IPV6_NEXT_HEADER));
    p.add(new Insn(JEQ, 1, 0, ICMPV6));
    p.add(new Insn(RET, 0, 0, 0));
    p.add(new Insn(LD_B, 0, 0, ICMPV6_TYPE));
    p.add(new Insn(JEQ, 2, 0, NEIGHBOR_SOLICITATION));
    p.add(new Insn(JEQ, 1, 0, NEIGHBOR_ADVERTISEMENT));
    p.add(new Insn(RET, 0, 0, 0));
    if (v6 == null) {
      p.add(new Insn(RET, 0, 0, snaplen));
    } else {
      matchWord(p, NDP_TARGET_LAST_WORD, v6, snaplen);
      p.add(new Insn(RET, 0, 0, 0));
    }
    return List.copyOf(p);
  }

  /**
   * Accepts the frame if the word at {@code offset} is one of {@code words}, else goes on after.
   * Per chunk: the comparisons, a jump over the return they share, that return.
   */
  private static void matchWord(List<Insn> p, int offset, List<Integer> words, int snaplen) {
    p.add(new Insn(LD_W, 0, 0, offset));
    for (int from = 0; from < words.size(); from += CHUNK) {
      int n = Math.min(CHUNK, words.size() - from);
      for (int i = 0; i < n; i++) {
        p.add(new Insn(JEQ, n - i, 0, words.get(from + i)));
      }
      p.add(new Insn(JA, 0, 0, 1));
      p.add(new Insn(RET, 0, 0, snaplen));
    }
  }

  private static int word(byte[] b, int i) {
    return (b[i] & 0xff) << 24
        | (b[i + 1] & 0xff) << 16
        | (b[i + 2] & 0xff) << 8
        | (b[i + 3] & 0xff);
  }
}
