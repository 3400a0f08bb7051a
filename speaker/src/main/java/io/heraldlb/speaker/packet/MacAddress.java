package io.heraldlb.speaker.packet;

import io.heraldlb.config.IpAddress;

/** A 48-bit Ethernet address, held in the low bits of a {@code long} so that it costs no array. */
public record MacAddress(long value) {

  public static final MacAddress ZERO = new MacAddress(0);
  public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);

  /** Where packets to the IPv6 all-nodes group ff02::1 go (RFC 2464 section 7). */
  public static final MacAddress IPV6_ALL_NODES = new MacAddress(0x3333_0000_0001L);

  public MacAddress {
    if (value < 0 || value > 0xFFFF_FFFF_FFFFL) {
      throw new IllegalArgumentException("a MAC address has 48 bits: " + Long.toHexString(value));
    }
  }

  /** Reads six bytes at {@code offset}; the caller checks the bounds. */
  public static MacAddress read(byte[] bytes, int offset) {
    return new MacAddress(Bytes.u48(bytes, offset));
  }

  public static MacAddress ofBytes(byte[] bytes) {
    if (bytes.length != 6) {
      throw new IllegalArgumentException("a MAC address has 6 bytes, not " + bytes.length);
    }
    return read(bytes, 0);
  }

  /** Parses {@code aa:bb:cc:dd:ee:ff} (or with {@code -} between the bytes). */
  public static MacAddress parse(String text) {
    if (text == null || text.length() != 17) {
      throw new IllegalArgumentException("not a MAC address: " + text);
    }
    long v = 0;
    for (int i = 0; i < 6; i++) {
      int hi = Character.digit(text.charAt(3 * i), 16);
      int lo = Character.digit(text.charAt(3 * i + 1), 16);
      char sep = i < 5 ? text.charAt(3 * i + 2) : ':';
      if (hi < 0 || lo < 0 || (sep != ':' && sep != '-')) {
        throw new IllegalArgumentException("not a MAC address: " + text);
      }
      v = v << 8 | hi << 4 | lo;
    }
    return new MacAddress(v);
  }

  /** The multicast MAC an IPv6 multicast address maps to: 33:33 and its last four bytes. */
  public static MacAddress ofIpv6Multicast(IpAddress group) {
    byte[] b = group.toBytes();
    return new MacAddress(0x3333_0000_0000L | (read(b, 10).value() & 0xFFFF_FFFFL));
  }

  public void writeTo(byte[] out, int offset) {
    for (int i = 0; i < 6; i++) {
      out[offset + i] = (byte) (value >>> (40 - 8 * i));
    }
  }

  public byte[] toBytes() {
    byte[] out = new byte[6];
    writeTo(out, 0);
    return out;
  }

  public boolean isBroadcast() {
    return value == BROADCAST.value;
  }

  /** True for group addresses (broadcast included): the I/G bit of the first byte is set. */
  public boolean isMulticast() {
    return (value & 0x0100_0000_0000L) != 0;
  }

  public boolean isZero() {
    return value == 0;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 0; i < 6; i++) {
      int b = (int) (value >>> (40 - 8 * i)) & 0xFF;
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    return sb.toString();
  }
}
