package io.heraldlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpRangeTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/24, 10.0.0.0, 10.0.0.255, 256",
    "10.0.0.7, 10.0.0.7, 10.0.0.7, 1",
    "10.0.0.7/32, 10.0.0.7, 10.0.0.7, 1",
    "192.168.1.240-192.168.1.250, 192.168.1.240, 192.168.1.250, 11",
    "' 192.168.1.240 - 192.168.1.250 ', 192.168.1.240, 192.168.1.250, 11",
    "0.0.0.0/0, 0.0.0.0, 255.255.255.255, 4294967296",
    "2001:db8::/120, 2001:db8::, 2001:db8::ff, 256",
    "2001:db8::1-2001:db8::3, 2001:db8::1, 2001:db8::3, 3",
    "::/0, ::, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, 340282366920938463463374607431768211456",
  })
  void parsesSingleAddressesCidrsAndRanges(String text, String first, String last, String size) {
    IpRange r = IpRange.parse(text);
    assertEquals(IpAddress.parse(first), r.first());
    assertEquals(IpAddress.parse(last), r.last());
    assertEquals(new BigInteger(size), r.size());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.9-10.0.0.1|range start is after its end",
        "10.0.0.1-2001:db8::1|range mixes IPv4 and IPv6",
        "10.0.0.1/24|host bits are set (the network is 10.0.0.0/24)",
        "10.0.0.0/33|prefix length 33 is longer than 32 bits",
        "2001:db8::/129|prefix length 129 is longer than 128 bits",
        "10.0.0.0/|bad prefix length ''",
        "10.0.0.0/x|bad prefix length 'x'",
        "10.0.0.0/+1|bad prefix length '+1'",
        "-10.0.0.1|'': empty address",
        "10.0.0.1-|'': empty address",
        "nonsense|not an IP address",
      })
  void refusesBadRangesNamingTheProblem(String text, String reason) {
    InvalidAddressException e =
        assertThrows(InvalidAddressException.class, () -> IpRange.parse(text));
    assertEquals(reason, e.reason());
  }

  @Test
  void countsAnIpv6Slash64WithoutMaterialisingIt() {
    // Iterating 2^64 addresses would never finish; size and containment must be arithmetic.
    IpRange r = IpRange.parse("2001:db8::/64");
    assertEquals(BigInteger.ONE.shiftLeft(64), r.size());
    assertEquals(Long.MAX_VALUE, r.sizeSaturated());
    assertTrue(r.contains(IpAddress.parse("2001:db8::ffff:ffff:ffff:ffff")));
    assertFalse(r.contains(IpAddress.parse("2001:db8:0:1::")));
    Iterator<IpAddress> it = r.iterator();
    assertEquals("2001:db8::", it.next().toString());
    assertEquals("2001:db8::1", it.next().toString());
  }

  @Test
  void iteratesEveryAddressOfASmallRangeInOrder() {
    List<String> seen = new ArrayList<>();
    IpRange.parse("10.0.0.254-10.0.1.1").forEach(a -> seen.add(a.toString()));
    assertEquals(List.of("10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"), seen);
    List<String> top = new ArrayList<>();
    IpRange.parse("255.255.255.254/31").forEach(a -> top.add(a.toString()));
    assertEquals(List.of("255.255.255.254", "255.255.255.255"), top);
  }

  @Test
  void overlapsOnlyWhenRangesShareAnAddress() {
    IpRange a = IpRange.parse("10.0.0.0-10.0.0.9");
    assertTrue(a.overlaps(IpRange.parse("10.0.0.9-10.0.0.20")));
    assertTrue(a.overlaps(IpRange.parse("10.0.0.3")));
    assertTrue(a.overlaps(IpRange.parse("10.0.0.0/8")));
    assertFalse(a.overlaps(IpRange.parse("10.0.0.10-10.0.0.20")));
    assertFalse(a.overlaps(IpRange.parse("9.255.255.255")));
  }
}
