package io.heraldlb.speaker.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heraldlb.config.IpAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptureFilterTest {

  static Set<IpAddress> ips(String... s) {
    Set<IpAddress> set = new HashSet<>();
    for (String a : s) {
      set.add(IpAddress.parse(a));
    }
    return set;
  }

  @Test
  void nothingAnnouncedCapturesNothing() {
    assertNull(CaptureFilter.of(Set.of()));
  }

  @Test
  void anIpv4AddressIsMatchedAsTheTargetOfARequestAndAsTheSenderOfAClaim() {
    assertEquals(
        "(arp and (arp[24:4] == 0xc0a801f0 or arp[14:4] == 0xc0a801f0))",
        CaptureFilter.of(ips("192.168.1.240")));
  }

  @Test
  void anIpv6AddressIsMatchedAsTheTargetOfASolicitationOrAdvertisement() {
    assertEquals(
        "(icmp6 and (ip6[40] == 135 or ip6[40] == 136) and ((ip6[48:4] == 0x20010db8 and"
            + " ip6[52:4] == 0x00000000 and ip6[56:4] == 0x00000000 and ip6[60:4] == 0x00000001)))",
        CaptureFilter.of(ips("2001:db8::1")));
  }

  @Test
  void bothFamiliesTogetherInAddressOrder() {
    String f = CaptureFilter.of(ips("10.0.0.2", "2001:db8::1", "10.0.0.1"));
    assertEquals(
        "(arp and (arp[24:4] == 0x0a000001 or arp[14:4] == 0x0a000001"
            + " or arp[24:4] == 0x0a000002 or arp[14:4] == 0x0a000002)) or (icmp6",
        f.substring(0, f.indexOf("icmp6") + 5));
  }

  @Test
  void veryManyAddressesCaptureAllArpAndNdpRatherThanOverflowTheFilter() {
    Set<IpAddress> many = new HashSet<>();
    for (int i = 0; i <= CaptureFilter.MAX_ADDRESSES; i++) {
      many.add(IpAddress.parse("10.1." + (i / 256) + "." + (i % 256)));
    }
    assertEquals(CaptureFilter.ALL, CaptureFilter.of(many));
  }
}
