package io.heraldlb.config;

import java.math.BigInteger;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * An inclusive range of addresses of one family. Sizes are {@link BigInteger} (an IPv6 /64 holds
 * 2^64 addresses) and iteration is lazy: no range is ever materialised.
 */
public record IpRange(IpAddress first, IpAddress last) implements Iterable<IpAddress> {

  public IpRange {
    if (first.family() != last.family()) {
      throw new InvalidAddressException(first + "-" + last, "mixes IPv4 and IPv6");
    }
    if (first.compareTo(last) > 0) {
      throw new InvalidAddressException(first + "-" + last, "range start is after its end");
    }
  }

  public static IpRange single(IpAddress address) {
    return new IpRange(address, address);
  }

  /**
   * Parses {@code 10.0.0.1}, {@code 10.0.0.0/24}, {@code 10.0.0.1-10.0.0.9} (spaces around the dash
   * allowed) and the IPv6 forms of each.
   *
   * @throws InvalidAddressException naming the text and what is wrong with it
   */
  public static IpRange parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidAddressException(String.valueOf(text), "empty address range");
    }
    String t = text.strip();
    int dash = t.indexOf('-');
    if (dash >= 0) {
      IpAddress a = parsePart(t.substring(0, dash).strip(), t);
      IpAddress b = parsePart(t.substring(dash + 1).strip(), t);
      if (a.family() != b.family()) {
        throw new InvalidAddressException(t, "range mixes IPv4 and IPv6");
      }
      if (a.compareTo(b) > 0) {
        throw new InvalidAddressException(t, "range start is after its end");
      }
      return new IpRange(a, b);
    }
    int slash = t.indexOf('/');
    if (slash >= 0) {
      IpAddress base = parsePart(t.substring(0, slash), t);
      int prefix = parsePrefix(t.substring(slash + 1), base.family(), t);
      IpAddress network = base.networkOf(prefix);
      if (!network.equals(base)) {
        throw new InvalidAddressException(
            t, "host bits are set (the network is " + network + "/" + prefix + ")");
      }
      return new IpRange(network, network.broadcastOf(prefix));
    }
    return single(parsePart(t, t));
  }

  private static IpAddress parsePart(String part, String whole) {
    try {
      return IpAddress.parse(part);
    } catch (InvalidAddressException e) {
      throw new InvalidAddressException(
          whole, part.equals(whole) ? e.reason() : "'" + part + "': " + e.reason());
    }
  }

  private static int parsePrefix(String text, Family family, String whole) {
    if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(Character::isDigit)) {
      throw new InvalidAddressException(whole, "bad prefix length '" + text + "'");
    }
    int prefix = Integer.parseInt(text);
    if (prefix > family.bits()) {
      throw new InvalidAddressException(
          whole, "prefix length " + prefix + " is longer than " + family.bits() + " bits");
    }
    return prefix;
  }

  public Family family() {
    return first.family();
  }

  public boolean contains(IpAddress address) {
    return first.compareTo(address) <= 0 && address.compareTo(last) <= 0;
  }

  public boolean overlaps(IpRange other) {
    return first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0;
  }

  /** The number of addresses, exact for any size. */
  public BigInteger size() {
    return last.toBigInteger().subtract(first.toBigInteger()).add(BigInteger.ONE);
  }

  /** The number of addresses, saturated at {@link Long#MAX_VALUE}. */
  public long sizeSaturated() {
    BigInteger size = size();
    return size.bitLength() < 63 ? size.longValue() : Long.MAX_VALUE;
  }

  @Override
  public Iterator<IpAddress> iterator() {
    return new Iterator<>() {
      private @Nullable IpAddress next = first;

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public IpAddress next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        IpAddress current = next;
        next = current.equals(last) ? null : current.next();
        return current;
      }
    };
  }

  /** {@code a-b}, or the single address when the range holds one. */
  @Override
  public String toString() {
    return first.equals(last) ? first.toString() : first + "-" + last;
  }
}
