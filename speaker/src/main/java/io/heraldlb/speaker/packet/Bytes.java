package io.heraldlb.speaker.packet;

import io.heraldlb.config.IpAddress;

/** Big-endian reads and writes on frames; callers check the bounds first. */
public final class Bytes {
  private Bytes() {}

  static int u8(byte[] b, int off) {
    return b[off] & 0xFF;
  }

  public static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
  }

  public static int u32(byte[] b, int off) {
    return u16(b, off) << 16 | u16(b, off + 2);
  }

  /** Six bytes, as a MAC address is held in a {@code long}. */
  public static long u48(byte[] b, int off) {
    return (long) u16(b, off) << 32 | u32(b, off + 2) & 0xFFFF_FFFFL;
  }

  public static void putU16(byte[] b, int off, int value) {
    b[off] = (byte) (value >>> 8);
    b[off + 1] = (byte) value;
  }

  static IpAddress readIpv4(byte[] b, int off) {
    return IpAddress.ofV4(u32(b, off));
  }

  /** Builds the address from two longs rather than copying 16 bytes into a new array. */
  static IpAddress readIpv6(byte[] b, int off) {
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = hi << 8 | (b[off + i] & 0xFF);
      lo = lo << 8 | (b[off + 8 + i] & 0xFF);
    }
    return IpAddress.ofV6(hi, lo);
  }

  static void putIp(byte[] b, int off, IpAddress ip) {
    byte[] raw = ip.toBytes();
    System.arraycopy(raw, 0, b, off, raw.length);
  }
}
