package io.heraldlb.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 address held as an unsigned 128-bit number ({@code hi:lo}); IPv4 uses the low 32
 * bits. Parsing is strict and never touches DNS, unlike {@link InetAddress#getByName}.
 *
 * <p>Over 300 lines on purpose: parsing, RFC 5952 formatting and the arithmetic of one value type,
 * which every other part of HeraldLB relies on and which are tested together.
 */
public final class IpAddress implements Comparable<IpAddress> {

  private final Family family;
  private final long hi;
  private final long lo;

  private IpAddress(Family family, long hi, long lo) {
    this.family = family;
    this.hi = hi;
    this.lo = lo;
  }

  public static IpAddress ofV4(int bits) {
    return new IpAddress(Family.IPV4, 0, bits & 0xFFFF_FFFFL);
  }

  public static IpAddress ofV6(long hi, long lo) {
    return new IpAddress(Family.IPV6, hi, lo);
  }

  /** Builds an address of {@code family} from raw bytes (4 or 16). */
  public static IpAddress ofBytes(byte[] bytes) {
    if (bytes.length == 4) {
      return ofV4(
          (bytes[0] & 0xFF) << 24
              | (bytes[1] & 0xFF) << 16
              | (bytes[2] & 0xFF) << 8
              | bytes[3] & 0xFF);
    }
    if (bytes.length == 16) {
      long hi = 0;
      long lo = 0;
      for (int i = 0; i < 8; i++) {
        hi = hi << 8 | (bytes[i] & 0xFF);
        lo = lo << 8 | (bytes[i + 8] & 0xFF);
      }
      return ofV6(hi, lo);
    }
    throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
  }

  /**
   * Parses a literal IPv4 ({@code 192.0.2.1}) or IPv6 ({@code 2001:db8::1}, {@code ::ffff:1.2.3.4})
   * address.
   *
   * @throws InvalidAddressException naming the bad text
   */
  public static IpAddress parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidAddressException(String.valueOf(text), "empty address");
    }
    if (text.length() > 45) {
      throw new InvalidAddressException(text, "not an IP address");
    }
    if (text.indexOf(':') >= 0) {
      return parseV6(text);
    }
    return ofV4(parseV4(text, text));
  }

  /** Returns the parsed address, or {@code null} if {@code text} is not a literal IP address. */
  public static @Nullable IpAddress tryParse(String text) {
    try {
      return parse(text);
    } catch (InvalidAddressException e) {
      return null;
    }
  }

  private static int parseV4(String text, String whole) {
    int value = 0;
    int octets = 0;
    int i = 0;
    while (i <= text.length()) {
      int start = i;
      int octet = 0;
      while (i < text.length() && text.charAt(i) != '.') {
        char c = text.charAt(i);
        if (c < '0' || c > '9' || i - start >= 3) {
          throw new InvalidAddressException(whole, "not an IP address");
        }
        octet = octet * 10 + (c - '0');
        i++;
      }
      int length = i - start;
      if (length == 0 || octet > 255 || (length > 1 && text.charAt(start) == '0')) {
        // Leading zeros are refused: some tools read them as octal.
        throw new InvalidAddressException(whole, "not an IPv4 address");
      }
      value = value << 8 | octet;
      octets++;
      if (octets > 4) {
        throw new InvalidAddressException(whole, "not an IPv4 address");
      }
      i++;
    }
    if (octets != 4) {
      throw new InvalidAddressException(whole, "not an IPv4 address");
    }
    return value;
  }

  private static IpAddress parseV6(String text) {
    if (text.indexOf('%') >= 0) {
      throw new InvalidAddressException(text, "zone indexes are not allowed");
    }
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    int n = text.length();
    if (text.startsWith("::")) {
      gap = 0;
      i = 2;
    } else if (text.startsWith(":")) {
      throw new InvalidAddressException(text, "not an IPv6 address");
    }
    while (i < n) {
      if (count == 8) {
        throw new InvalidAddressException(text, "not an IPv6 address");
      }
      int start = i;
      int group = 0;
      while (i < n && Character.digit(text.charAt(i), 16) >= 0 && i - start < 4) {
        group = group << 4 | Character.digit(text.charAt(i), 16);
        i++;
      }
      if (i < n && text.charAt(i) == '.') {
        // Embedded IPv4 in the last 32 bits.
        if (count > 6) {
          throw new InvalidAddressException(text, "not an IPv6 address");
        }
        int v4 = parseV4(text.substring(start), text);
        groups[count++] = v4 >>> 16;
        groups[count++] = v4 & 0xFFFF;
        i = n;
        break;
      }
      if (i == start) {
        throw new InvalidAddressException(text, "not an IPv6 address");
      }
      groups[count++] = group;
      if (i == n) {
        break;
      }
      if (text.charAt(i) != ':') {
        throw new InvalidAddressException(text, "not an IPv6 address");
      }
      i++;
      if (i < n && text.charAt(i) == ':') {
        if (gap >= 0) {
          throw new InvalidAddressException(text, "'::' may appear only once");
        }
        gap = count;
        i++;
      } else if (i == n) {
        throw new InvalidAddressException(text, "not an IPv6 address");
      }
    }
    if (gap < 0 && count != 8) {
      throw new InvalidAddressException(text, "not an IPv6 address");
    }
    if (gap >= 0 && count > 7) {
      throw new InvalidAddressException(text, "not an IPv6 address");
    }
    int[] full = new int[8];
    if (gap < 0) {
      full = groups;
    } else {
      int tail = count - gap;
      System.arraycopy(groups, 0, full, 0, gap);
      System.arraycopy(groups, gap, full, 8 - tail, tail);
    }
    long hi = 0;
    long lo = 0;
    for (int g = 0; g < 4; g++) {
      hi = hi << 16 | full[g];
      lo = lo << 16 | full[g + 4];
    }
    return ofV6(hi, lo);
  }

  public Family family() {
    return family;
  }

  public boolean isV4() {
    return family == Family.IPV4;
  }

  long hi() {
    return hi;
  }

  long lo() {
    return lo;
  }

  /** The address as an unsigned number. */
  public BigInteger toBigInteger() {
    BigInteger high = new BigInteger(Long.toUnsignedString(hi));
    return high.shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
  }

  /** The next address, or {@code null} past the end of the family's space. */
  public @Nullable IpAddress next() {
    if (isV4()) {
      return lo == 0xFFFF_FFFFL ? null : new IpAddress(family, 0, lo + 1);
    }
    if (lo == -1L) {
      return hi == -1L ? null : new IpAddress(family, hi + 1, 0);
    }
    return new IpAddress(family, hi, lo + 1);
  }

  /** The previous address, or {@code null} before the start of the family's space. */
  public @Nullable IpAddress previous() {
    if (lo == 0) {
      return hi == 0 ? null : new IpAddress(family, hi - 1, -1L);
    }
    return new IpAddress(family, hi, lo - 1);
  }

  /** The address {@code offset} after this one; the caller keeps it inside the family's space. */
  public IpAddress plus(long offset) {
    long newLo = lo + offset;
    long carry = Long.compareUnsigned(newLo, lo) < 0 ? 1 : 0;
    return new IpAddress(family, hi + carry, isV4() ? newLo & 0xFFFF_FFFFL : newLo);
  }

  /** The address with the low {@code hostBits} bits cleared. */
  public IpAddress networkOf(int prefixLength) {
    int bits = family.bits();
    int hostBits = bits - prefixLength;
    long h = hi;
    long l = lo;
    if (hostBits >= 64) {
      l = 0;
      h = hostBits >= 128 ? 0 : h & (-1L << (hostBits - 64));
    } else if (hostBits > 0) {
      l = l & (-1L << hostBits);
    }
    return new IpAddress(family, h, l);
  }

  /** The address with the low {@code bits - prefixLength} bits set. */
  public IpAddress broadcastOf(int prefixLength) {
    int hostBits = family.bits() - prefixLength;
    long h = hi;
    long l = lo;
    if (hostBits >= 64) {
      l = isV4() ? 0xFFFF_FFFFL : -1L;
      h = hostBits >= 128 ? -1L : h | ~(-1L << (hostBits - 64));
    } else if (hostBits > 0) {
      l = l | ~(-1L << hostBits);
      if (isV4()) {
        l &= 0xFFFF_FFFFL;
      }
    }
    return new IpAddress(family, h, l);
  }

  /** The last byte of an IPv4 address, used for the "buggy IP" (.0 / .255) rule. */
  public int lastOctet() {
    return (int) (lo & 0xFF);
  }

  public byte[] toBytes() {
    byte[] out = new byte[family.bits() / 8];
    if (isV4()) {
      for (int i = 0; i < 4; i++) {
        out[i] = (byte) (lo >>> (24 - 8 * i));
      }
    } else {
      for (int i = 0; i < 8; i++) {
        out[i] = (byte) (hi >>> (56 - 8 * i));
        out[i + 8] = (byte) (lo >>> (56 - 8 * i));
      }
    }
    return out;
  }

  public InetAddress toInetAddress() {
    try {
      return InetAddress.getByAddress(toBytes());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // unreachable: the length is always 4 or 16
    }
  }

  @Override
  public int compareTo(IpAddress other) {
    int c = family.compareTo(other.family);
    if (c != 0) {
      return c;
    }
    c = Long.compareUnsigned(hi, other.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, other.lo);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress a && a.family == family && a.hi == hi && a.lo == lo;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi) * 31 + Long.hashCode(lo) + family.ordinal();
  }

  /** The canonical text form (RFC 5952 for IPv6: lower case, longest zero run compressed). */
  @Override
  public String toString() {
    if (isV4()) {
      return (lo >>> 24 & 0xFF)
          + "."
          + (lo >>> 16 & 0xFF)
          + "."
          + (lo >>> 8 & 0xFF)
          + "."
          + (lo & 0xFF);
    }
    int[] g = new int[8];
    for (int i = 0; i < 4; i++) {
      g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
      g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
