package io.heraldlb.speaker.packet;

/**
 * The ICMPv6 checksum: the ones' complement sum over the IPv6 pseudo-header (source, destination,
 * upper-layer length, next header 58) and the ICMPv6 message (RFC 4443 section 2.3, RFC 8200
 * section 8.1). Works in place on a frame, without copying.
 */
final class Icmpv6Checksum {
  private Icmpv6Checksum() {}

  static final int NEXT_HEADER_ICMPV6 = 58;

  /**
   * Sums the pseudo-header taken from the IPv6 header at {@code ipOffset} and {@code icmpLength}
   * bytes of ICMPv6 message right after it, checksum field included.
   */
  static int sum(byte[] frame, int ipOffset, int icmpLength) {
    long sum = 0;
    // Source and destination addresses: 32 bytes from offset 8 of the IPv6 header.
    for (int i = ipOffset + 8; i < ipOffset + 40; i += 2) {
      sum += Bytes.u16(frame, i);
    }
    sum += icmpLength >>> 16;
    sum += icmpLength & 0xFFFF;
    sum += NEXT_HEADER_ICMPV6;
    int icmp = ipOffset + 40;
    int end = icmp + icmpLength;
    int i = icmp;
    for (; i + 1 < end; i += 2) {
      sum += Bytes.u16(frame, i);
    }
    if (i < end) {
      sum += (frame[i] & 0xFF) << 8; // an odd last byte is padded with zero
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) sum;
  }

  /** True when the message, checksum included, sums to 0xFFFF. */
  static boolean verify(byte[] frame, int ipOffset, int icmpLength) {
    return sum(frame, ipOffset, icmpLength) == 0xFFFF;
  }

  /** Fills in the checksum field (bytes 2-3 of the ICMPv6 message). */
  static void fill(byte[] frame, int ipOffset, int icmpLength) {
    int field = ipOffset + 40 + 2;
    Bytes.putU16(frame, field, 0);
    Bytes.putU16(frame, field, ~sum(frame, ipOffset, icmpLength) & 0xFFFF);
  }
}
