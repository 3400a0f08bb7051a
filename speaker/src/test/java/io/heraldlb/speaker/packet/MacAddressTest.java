package io.heraldlb.speaker.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

  @Test
  void parsesAndPrintsLowerCaseWithColons() {
    MacAddress mac = MacAddress.parse("0A-1b-2C:3d:4E:5f");

    assertEquals("0a:1b:2c:3d:4e:5f", mac.toString());
    assertEquals(0x0A1B_2C3D_4E5FL, mac.value());
    assertArrayEquals(new byte[] {0x0A, 0x1B, 0x2C, 0x3D, 0x4E, 0x5F}, mac.toBytes());
    assertEquals(mac, MacAddress.ofBytes(mac.toBytes()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "0a:1b:2c:3d:4e",
        "0a:1b:2c:3d:4e:5g",
        "0a:1b:2c:3d:4e:5f:",
        "0a.1b.2c.3d.4e.5f"
      })
  void refusesTextThatIsNotAMacAddress(String text) {
    assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
  }

  @Test
  void refusesValuesBeyond48Bits() {
    assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
    assertThrows(IllegalArgumentException.class, () -> new MacAddress(-1));
  }

  @Test
  void tellsBroadcastAndMulticastFromUnicast() {
    assertTrue(MacAddress.BROADCAST.isBroadcast());
    assertTrue(MacAddress.BROADCAST.isMulticast());
    assertTrue(MacAddress.IPV6_ALL_NODES.isMulticast());
    assertFalse(MacAddress.parse("02:00:00:00:00:01").isMulticast());
    assertTrue(MacAddress.ZERO.isZero());
  }

  @Test
  void mapsIpv6MulticastGroupToItsMac() {
    IpAddress group = Ipv6.solicitedNodeGroup(IpAddress.parse("2001:db8::abcd:1234"));

    assertEquals(IpAddress.parse("ff02::1:ffcd:1234"), group);
    assertEquals(MacAddress.parse("33:33:ff:cd:12:34"), MacAddress.ofIpv6Multicast(group));
    assertEquals(MacAddress.IPV6_ALL_NODES, MacAddress.ofIpv6Multicast(Ipv6.ALL_NODES));
  }
}
