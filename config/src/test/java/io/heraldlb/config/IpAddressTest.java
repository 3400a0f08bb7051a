package io.heraldlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

  @ParameterizedTest
  @CsvSource({
    "0.0.0.0, 0.0.0.0",
    "192.168.1.240, 192.168.1.240",
    "255.255.255.255, 255.255.255.255",
    "::, ::",
    "::1, ::1",
    "2001:DB8::1, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    "1::, 1::",
    "::ffff:1.2.3.4, ::ffff:102:304",
    "fe80:0:0:1:0:0:0:0, fe80:0:0:1::",
    "fe80::1:0:0:0, fe80::1:0:0:0",
  })
  void parsesAndPrintsCanonicalForm(String text, String canonical) {
    assertEquals(canonical, IpAddress.parse(text).toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3.-4",
        "1..3.4",
        "a.b.c.d",
        "1.2.3.4 ",
        ":::",
        "1:::2",
        "1::2::3",
        "12345::",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        ":1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:",
        "g::1",
        "fe80::1%eth0",
        "::1.2.3.4.5",
        "1:2:3:4:5:6:7:1.2.3.4",
        "localhost",
        "example.com",
      })
  void refusesAnythingButLiteralAddresses(String text) {
    assertThrows(InvalidAddressException.class, () -> IpAddress.parse(text));
    assertNull(IpAddress.tryParse(text));
  }

  @Test
  void agreesWithTheJdkOnRandomAddresses() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextBoolean() ? 4 : 16];
      random.nextBytes(bytes);
      if (bytes.length == 16 && random.nextBoolean()) {
        // Zero runs exercise the '::' compression.
        int from = random.nextInt(16);
        for (int j = from; j < Math.min(16, from + random.nextInt(12)); j++) {
          bytes[j] = 0;
        }
      }
      IpAddress a = IpAddress.ofBytes(bytes);
      InetAddress jdk = InetAddress.getByAddress(bytes);
      assertEquals(a, IpAddress.parse(jdk.getHostAddress()), jdk.getHostAddress());
      assertEquals(a, IpAddress.parse(a.toString()));
      assertEquals(jdk, a.toInetAddress());
    }
  }

  @Test
  void stepsAcrossTheSixtyFourBitBoundary() {
    IpAddress a = IpAddress.parse("2001:db8::ffff:ffff:ffff:ffff");
    assertEquals(IpAddress.parse("2001:db8:0:1::"), a.next());
    assertEquals(a, a.next().previous());
    assertEquals(IpAddress.parse("2001:db8:0:1::4"), a.plus(5));
  }

  @Test
  void hasNoNeighbourPastTheEndsOfItsFamily() {
    assertNull(IpAddress.parse("255.255.255.255").next());
    assertNull(IpAddress.parse("0.0.0.0").previous());
    assertNull(IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").next());
    assertNull(IpAddress.parse("::").previous());
  }

  @Test
  void ordersIpv4BeforeIpv6AndNumericallyWithinAFamily() {
    assertTrue(IpAddress.parse("255.255.255.255").compareTo(IpAddress.parse("::")) < 0);
    assertTrue(IpAddress.parse("10.0.0.9").compareTo(IpAddress.parse("10.0.0.10")) < 0);
    assertTrue(IpAddress.parse("8000::").compareTo(IpAddress.parse("7fff::")) > 0);
  }

  @Test
  void computesNetworkAndBroadcastForAnyPrefix() {
    IpAddress v4 = IpAddress.parse("10.1.2.3");
    assertEquals("10.1.2.0", v4.networkOf(24).toString());
    assertEquals("10.1.2.255", v4.broadcastOf(24).toString());
    assertEquals("0.0.0.0", v4.networkOf(0).toString());
    assertEquals("255.255.255.255", v4.broadcastOf(0).toString());
    IpAddress v6 = IpAddress.parse("2001:db8:1:2:3:4:5:6");
    assertEquals("2001:db8:1:2::", v6.networkOf(64).toString());
    assertEquals("2001:db8:1:2:ffff:ffff:ffff:ffff", v6.broadcastOf(64).toString());
    assertEquals("2001:db8::", v6.networkOf(32).toString());
    assertEquals("::", v6.networkOf(0).toString());
    assertEquals(v6, v6.networkOf(128));
  }
}
