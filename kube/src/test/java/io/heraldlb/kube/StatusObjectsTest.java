package io.heraldlb.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heraldlb.config.IpAddress;
import org.junit.jupiter.api.Test;

class StatusObjectsTest {
  @Test
  void anAnnouncementIsNamedAfterItsAddressInAFormEveryAddressCanTake() {
    assertEquals(
        "ip-192-168-1-240", StatusObjects.announcementName(IpAddress.parse("192.168.1.240")));
    // "fd00::" would end in a dash, which a name may not: IPv6 is written out in full.
    assertEquals(
        "ip-fd00-0000-0000-0000-0000-0000-0000-0000",
        StatusObjects.announcementName(IpAddress.parse("fd00::")));
    assertEquals(
        "ip-2001-0db8-0000-0000-0000-0000-0000-0100",
        StatusObjects.announcementName(IpAddress.parse("2001:db8::100")));
  }
}
