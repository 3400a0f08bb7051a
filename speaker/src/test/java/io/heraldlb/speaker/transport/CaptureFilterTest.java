package io.heraldlb.speaker.transport;

import static io.heraldlb.speaker.packet.TestFrames.ASKER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OTHER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.arpReply;
import static io.heraldlb.speaker.packet.TestFrames.arpRequest;
import static io.heraldlb.speaker.packet.TestFrames.ndp;
import static io.heraldlb.speaker.packet.TestFrames.neighborSolicitation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.TestFrames;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CaptureFilterTest {
  static final int SNAPLEN = 256;

  static Set<IpAddress> ips(String... s) {
    Set<IpAddress> set = new HashSet<>();
    for (String a : s) {
      set.add(IpAddress.parse(a));
    }
    return set;
  }

  static boolean accepts(List<CaptureFilter.Insn> program, byte[] frame) {
    return Interpreter.run(program, frame) != 0;
  }

  @Test
  void nothingAnnouncedCapturesNothing() {
    assertEquals(CaptureFilter.REJECT_ALL, CaptureFilter.of(Set.of(), SNAPLEN));
  }

  @Test
  void anIpv4AddressIsCapturedAsTheTargetOfARequestAndAsTheSenderOfAClaim() {
    List<CaptureFilter.Insn> p = CaptureFilter.of(ips("192.168.1.240"), SNAPLEN);
    assertTrue(accepts(p, arpRequest(ASKER_MAC, "192.168.1.10", "192.168.1.240")));
    assertTrue(accepts(p, arpReply(OTHER_MAC, "192.168.1.240", ASKER_MAC, "192.168.1.10")));
    assertFalse(accepts(p, arpRequest(ASKER_MAC, "192.168.1.10", "192.168.1.241")));
    byte[] request = arpRequest(ASKER_MAC, "192.168.1.10", "192.168.1.240");
    assertFalse(accepts(p, Arrays.copyOf(request, 41)), "cut off in the target address");
    assertFalse(accepts(p, neighborSolicitation(ASKER_MAC, "fe80::aa", "2001:db8::1")));
  }

  @Test
  void anIpv6AddressIsCapturedAsTheTargetOfASolicitationOrAdvertisement() {
    List<CaptureFilter.Insn> p = CaptureFilter.of(ips("2001:db8::1"), SNAPLEN);
    assertTrue(accepts(p, neighborSolicitation(ASKER_MAC, "fe80::aa", "2001:db8::1")));
    assertTrue(accepts(p, ndp().type(136).target("2001:db8::1").build()));
    assertFalse(accepts(p, neighborSolicitation(ASKER_MAC, "fe80::aa", "2001:db8::2")));
    // Only the last 32 bits are compared in the kernel; the responder compares the rest.
    assertTrue(accepts(p, neighborSolicitation(ASKER_MAC, "fe80::aa", "2001:db9::1")));
    assertFalse(accepts(p, ndp().type(128).target("2001:db8::1").build()), "an echo request");
    assertFalse(accepts(p, ndp().nextHeader(17).target("2001:db8::1").build()), "UDP");
    assertFalse(accepts(p, arpRequest(ASKER_MAC, "192.168.1.10", "192.168.1.240")));
  }

  @Test
  void veryManyAddressesCaptureAllArpAndNdpRatherThanOverflowTheFilter() {
    Set<IpAddress> many = new HashSet<>();
    for (int i = 0; i <= CaptureFilter.MAX_ADDRESSES; i++) {
      many.add(IpAddress.parse("10.1." + (i / 256) + "." + (i % 256)));
    }
    List<CaptureFilter.Insn> p = CaptureFilter.of(many, SNAPLEN);
    assertEquals(CaptureFilter.all(SNAPLEN), p);
    assertTrue(accepts(p, arpRequest(ASKER_MAC, "192.168.1.10", "192.168.7.7")));
    assertTrue(accepts(p, neighborSolicitation(ASKER_MAC, "fe80::aa", "2001:db8::7")));
    assertFalse(accepts(p, ndp().type(128).build()));
  }

  @Test
  void theLargestProgramsKeepOneComparisonPerAddressAndPassTheKernelsStructuralChecks() {
    for (boolean v6 : new boolean[] {false, true}) {
      Set<IpAddress> most = new HashSet<>();
      for (int i = 0; i < CaptureFilter.MAX_ADDRESSES; i++) {
        most.add(IpAddress.parse(v6 ? "2001:db8::" + Integer.toHexString(i) : "10.2.0." + i));
      }
      List<CaptureFilter.Insn> p = CaptureFilter.of(most, SNAPLEN);
      // One comparison per address and field keeps the filter within the socket's option memory.
      assertTrue(p.size() <= 2 * most.size() + 24, p.size() + " instructions");
      checkLikeTheKernel(p);
      IpAddress last = new TreeSet<>(most).last();
      byte[] frame =
          v6
              ? neighborSolicitation(ASKER_MAC, "fe80::aa", last.toString())
              : arpRequest(ASKER_MAC, "10.9.9.9", last.toString());
      assertTrue(accepts(p, frame), "the last of " + most.size() + " addresses");
    }
  }

  /** The kernel's own checks on a classic program: jumps stay inside, and it ends in a return. */
  static void checkLikeTheKernel(List<CaptureFilter.Insn> p) {
    for (int pc = 0; pc < p.size(); pc++) {
      CaptureFilter.Insn insn = p.get(pc);
      if (insn.code() == CaptureFilter.JA) {
        assertTrue(pc + 1 + insn.k() < p.size(), "ja at " + pc);
      } else if (insn.code() == CaptureFilter.JEQ) {
        assertTrue(insn.jt() <= 255 && insn.jf() <= 255, "jump offsets fit a byte at " + pc);
        assertTrue(pc + 1 + Math.max(insn.jt(), insn.jf()) < p.size(), "jeq at " + pc);
      }
    }
    assertEquals(CaptureFilter.RET, p.get(p.size() - 1).code());
  }

  /**
   * The programs against libpcap's: for random and broken frames, the program built here and the
   * one libpcap compiles from the equivalent filter expression accept the same frames, both run by
   * libpcap's own interpreter. Skipped where libpcap is not installed.
   */
  @Test
  void acceptsExactlyWhatLibpcapCompilesFromTheSameFilterExpression() {
    Libpcap pcap = Libpcap.load();
    Random random = new Random(4);
    List<Set<IpAddress>> sets =
        List.of(
            ips("192.168.1.240"),
            ips("192.168.1.240", "192.168.1.250", "10.0.0.1"),
            ips("2001:db8::1"),
            ips("192.168.1.240", "2001:db8::1", "2001:db8::ff:1"),
            ips("192.168.1.250"),
            many(CaptureFilter.MAX_ADDRESSES));
    int compared = 0;
    for (Set<IpAddress> set : sets) {
      List<CaptureFilter.Insn> ours = CaptureFilter.of(set, SNAPLEN);
      Memory theirs = pcap.compile(expression(set));
      for (byte[] frame : frames(set, random)) {
        boolean expected = pcap.run(theirs, frame) != 0;
        assertEquals(expected, pcap.run(ours, frame) != 0, set + " " + hex(frame));
        assertEquals(expected, accepts(ours, frame), "the test's interpreter, " + hex(frame));
        compared++;
      }
    }
    assertTrue(compared > 10_000, compared + " frames");
  }

  static Set<IpAddress> many(int n) {
    Set<IpAddress> set = new HashSet<>();
    for (int i = 0; i < n; i++) {
      set.add(
          IpAddress.parse(i % 2 == 0 ? "192.168.2." + i : "2001:db8::" + Integer.toHexString(i)));
    }
    set.add(IpAddress.parse("192.168.1.240"));
    set.remove(IpAddress.parse("192.168.2.0"));
    return set;
  }

  /** What the program means, in libpcap's filter language. */
  static String expression(Set<IpAddress> addresses) {
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    for (IpAddress ip : new TreeSet<>(addresses)) {
      byte[] b = ip.toBytes();
      if (ip.isV4()) {
        v4.add("arp[24:4] == " + word(b, 0) + " or arp[14:4] == " + word(b, 0));
      } else {
        v6.add("ip6[60:4] == " + word(b, 12));
      }
    }
    String arp = v4.isEmpty() ? "" : "(arp and (" + String.join(" or ", v4) + "))";
    String nd =
        v6.isEmpty()
            ? ""
            : "(icmp6 and (ip6[40] == 135 or ip6[40] == 136) and ("
                + String.join(" or ", v6)
                + "))";
    return arp.isEmpty() ? nd : nd.isEmpty() ? arp : arp + " or " + nd;
  }

  private static String word(byte[] b, int i) {
    return String.format(
        "0x%02x%02x%02x%02x", b[i] & 0xff, b[i + 1] & 0xff, b[i + 2] & 0xff, b[i + 3] & 0xff);
  }

  /** Frames about the addresses and others, whole, cut short, and with bytes changed at random. */
  private static List<byte[]> frames(Set<IpAddress> set, Random random) {
    List<byte[]> base = new ArrayList<>();
    List<String> targets =
        new ArrayList<>(List.of("192.168.1.240", "192.168.1.241", "2001:db8::1"));
    List<IpAddress> sorted = new ArrayList<>(new TreeSet<>(set));
    for (int i = 0; i < sorted.size(); i++) {
      if (i < 3 || i >= sorted.size() - 3) { // the first and last, within chunks and families
        targets.add(sorted.get(i).toString());
      }
    }
    for (String t : targets) {
      if (t.contains(":")) {
        base.add(neighborSolicitation(ASKER_MAC, "fe80::aa", t));
        base.add(ndp().type(136).target(t).build());
        base.add(ndp().type(135).nextHeader(44).target(t).build());
        base.add(ndp().type(135).vlan(7).target(t).build());
      } else {
        base.add(arpRequest(ASKER_MAC, "192.168.1.10", t));
        base.add(arpReply(OTHER_MAC, t, ASKER_MAC, "192.168.1.10"));
        base.add(
            TestFrames.arp(
                1, MacAddress.BROADCAST, ASKER_MAC, 5, ASKER_MAC, "1.2.3.4", ASKER_MAC, t));
      }
    }
    List<byte[]> frames = new ArrayList<>(base);
    for (byte[] b : base) {
      for (int length = 0; length <= b.length; length++) {
        frames.add(Arrays.copyOf(b, length));
      }
      for (int i = 0; i < 300; i++) {
        byte[] f = b.clone();
        int flips = 1 + random.nextInt(3);
        for (int j = 0; j < flips; j++) {
          // Mostly where the filter looks: the ethertype, the ARP addresses, the IPv6 header,
          // ICMPv6.
          int at = random.nextInt(4) == 0 ? random.nextInt(f.length) : 12 + random.nextInt(66);
          if (at < f.length) {
            f[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : f[at] ^ 1);
          }
        }
        frames.add(f);
      }
    }
    return frames;
  }

  private static String hex(byte[] frame) {
    StringBuilder s = new StringBuilder();
    for (byte b : frame) {
      s.append(String.format("%02x", b & 0xff));
    }
    return s.toString();
  }

  /** The few instructions {@link CaptureFilter} writes, with the kernel's meaning. */
  static final class Interpreter {
    static int run(List<CaptureFilter.Insn> p, byte[] f) {
      int a = 0;
      for (int pc = 0; pc < p.size(); pc++) {
        CaptureFilter.Insn insn = p.get(pc);
        int k = insn.k();
        switch (insn.code()) {
          case CaptureFilter.LD_B, CaptureFilter.LD_H, CaptureFilter.LD_W -> {
            int size =
                insn.code() == CaptureFilter.LD_B ? 1 : insn.code() == CaptureFilter.LD_H ? 2 : 4;
            if (k + size > f.length) {
              return 0;
            }
            a = 0;
            for (int i = 0; i < size; i++) {
              a = a << 8 | (f[k + i] & 0xff);
            }
          }
          case CaptureFilter.JA -> pc += k;
          case CaptureFilter.JEQ -> pc += a == k ? insn.jt() : insn.jf();
          case CaptureFilter.RET -> {
            return k;
          }
          default -> throw new AssertionError("unexpected instruction " + insn);
        }
      }
      throw new AssertionError("ran off the end");
    }
  }

  /** libpcap's compiler and interpreter, through JNA. */
  static final class Libpcap {
    static final class Lib {
      static native int pcap_compile_nopcap(
          int snaplen, int linkType, Pointer program, String expression, int optimize, int mask);

      static native void pcap_freecode(Pointer program);

      static native int bpf_filter(Pointer insns, byte[] packet, int wireLength, int length);
    }

    static Libpcap load() {
      try {
        Native.register(Lib.class, NativeLibrary.getInstance("pcap"));
      } catch (UnsatisfiedLinkError e) {
        Assumptions.abort("libpcap is not installed: " + e.getMessage());
      }
      return new Libpcap();
    }

    /** A copy of the instructions libpcap compiles from {@code expression}. */
    Memory compile(String expression) {
      Memory program = new Memory(16);
      int rc = Lib.pcap_compile_nopcap(SNAPLEN, 1, program, expression, 1, 0xffffffff);
      assertEquals(0, rc, "libpcap compiles " + expression);
      int length = program.getInt(0);
      Memory insns = new Memory(8L * length);
      insns.write(0, program.getPointer(8).getByteArray(0, 8 * length), 0, 8 * length);
      Lib.pcap_freecode(program);
      return insns;
    }

    int run(Memory insns, byte[] frame) {
      return Lib.bpf_filter(insns, frame, frame.length, frame.length);
    }

    int run(List<CaptureFilter.Insn> program, byte[] frame) {
      Memory insns = new Memory(8L * program.size());
      CaptureFilter.encode(
          program, insns.getByteBuffer(0, insns.size()).order(ByteOrder.nativeOrder()));
      return run(insns, frame);
    }
  }
}
