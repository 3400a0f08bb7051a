package io.heraldlb.speaker.responder;

import static io.heraldlb.speaker.packet.TestFrames.ASKER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OTHER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OUR_MAC;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.Ipv6;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.TestFrames;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Frames for property tests: valid ARP and NDP frames built from small pools of addresses (so that
 * requests hit announced IPs often), then, most of the time, damaged the way hostile or broken
 * senders damage them.
 */
final class RandomFrames {

  static final Set<IpAddress> ANNOUNCED =
      Set.of(IpAddress.parse("192.0.2.10"), IpAddress.parse("2001:db8::10"));
  static final List<String> V4 = List.of("192.0.2.10", "192.0.2.11", "192.0.2.9", "0.0.0.0");
  static final List<String> V6 = List.of("2001:db8::10", "2001:db8::11", "2001:db8::9", "fe80::1");
  static final List<MacAddress> MACS =
      List.of(OUR_MAC, ASKER_MAC, OTHER_MAC, MacAddress.BROADCAST, MacAddress.IPV6_ALL_NODES);

  private final Random random;

  RandomFrames(Random random) {
    this.random = random;
  }

  Random random() {
    return random;
  }

  byte[] next() {
    int kind = random.nextInt(10);
    if (kind == 0) {
      byte[] noise = new byte[random.nextInt(130)];
      random.nextBytes(noise);
      return noise;
    }
    byte[] frame = kind < 5 ? arp() : ndp();
    int damage = random.nextInt(8);
    return switch (damage) {
      case 0, 1, 2 -> frame; // intact
      case 3 -> flipBits(frame, false);
      case 4 -> flipBits(frame, true);
      case 5 -> Arrays.copyOf(frame, random.nextInt(frame.length + 1));
      case 6 -> lieAboutLengths(frame);
      default -> Arrays.copyOf(frame, frame.length + random.nextInt(40)); // padding
    };
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private int vlan() {
    return random.nextInt(4) == 0 ? random.nextInt(0x10000) : -1;
  }

  private byte[] arp() {
    String tpa = pick(V4);
    String spa = random.nextInt(5) == 0 ? tpa : pick(V4);
    MacAddress src = pick(MACS);
    MacAddress dst = random.nextBoolean() ? MacAddress.BROADCAST : pick(MACS);
    int op = random.nextInt(6) == 0 ? 2 : 1;
    return TestFrames.arp(op, dst, src, vlan(), src, spa, pick(MACS), tpa);
  }

  private byte[] ndp() {
    String target = pick(V6);
    boolean solicitation = random.nextInt(4) != 0;
    TestFrames.Ndp ndp = TestFrames.ndp().type(solicitation ? 135 : 136).target(target);
    MacAddress src = random.nextInt(8) == 0 ? OUR_MAC : pick(List.of(ASKER_MAC, OTHER_MAC));
    ndp.ethSrc(src).vlan(vlan());
    IpAddress group = Ipv6.solicitedNodeGroup(IpAddress.parse(target));
    switch (random.nextInt(5)) {
      case 0 -> ndp.src("::").dst(group.toString());
      case 1 -> ndp.src(pick(V6)).dst(target).ethDst(pick(MACS));
      case 2 -> ndp.src(pick(V6)).dst(pick(V6)).ethDst(pick(MACS));
      default -> ndp.src(pick(V6)).dst(group.toString()).ethDst(MacAddress.ofIpv6Multicast(group));
    }
    if (!solicitation) {
      ndp.dst(pick(V6)).flags(random.nextInt(256) & 0xE0);
    }
    if (random.nextBoolean()) {
      ndp.option(solicitation ? 1 : 2, src);
    }
    if (random.nextInt(10) == 0) {
      ndp.hopLimit(random.nextInt(256));
    }
    return ndp.build();
  }

  /** Flips a few bits; with {@code fixChecksum}, repairs the ICMPv6 checksum to go deeper. */
  private byte[] flipBits(byte[] frame, boolean fixChecksum) {
    byte[] copy = frame.clone();
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips; i++) {
      int at = random.nextInt(copy.length);
      copy[at] ^= (byte) (1 << random.nextInt(8));
    }
    if (fixChecksum) {
      TestFrames.fixChecksum(copy);
    }
    return copy;
  }

  /** Overwrites a length field (IPv6 payload, ARP address sizes, an NDP option) with a lie. */
  private byte[] lieAboutLengths(byte[] frame) {
    byte[] copy = frame.clone();
    int ethHeader = copy.length > 13 && (copy[12] & 0xFF) == 0x81 ? 18 : 14;
    int[] fields = {ethHeader + 4, ethHeader + 5, ethHeader + 40 + 25, copy.length - 7};
    int at = fields[random.nextInt(fields.length)];
    if (at >= 0 && at < copy.length) {
      copy[at] = (byte) random.nextInt(256);
    }
    if (random.nextBoolean()) {
      TestFrames.fixChecksum(copy);
    }
    return copy;
  }
}
