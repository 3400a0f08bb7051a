package io.heraldlb.speaker.packet;

import io.heraldlb.config.IpAddress;
import java.nio.ByteBuffer;

/**
 * A second, deliberately naive ICMPv6 checksum: it builds the pseudo-header as its own array, as
 * RFC 8200 section 8.1 draws it, so the production code is checked against something independent.
 */
final class ReferenceChecksum {
  private ReferenceChecksum() {}

  /** The checksum for {@code message} (whose checksum field is taken as zero). */
  static int icmpv6(IpAddress src, IpAddress dst, byte[] message) {
    ByteBuffer b = ByteBuffer.allocate(40 + message.length + 1);
    b.put(src.toBytes()).put(dst.toBytes()).putInt(message.length).put(new byte[] {0, 0, 0, 58});
    b.put(message);
    byte[] all = b.array();
    all[40 + 2] = 0;
    all[40 + 3] = 0;
    int sum = 0;
    for (int i = 0; i < 40 + message.length; i += 2) {
      sum += ((all[i] & 0xFF) << 8) + (all[i + 1] & 0xFF);
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return ~sum & 0xFFFF;
  }
}
