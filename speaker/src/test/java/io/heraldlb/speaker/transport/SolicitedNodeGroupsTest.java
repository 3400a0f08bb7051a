package io.heraldlb.speaker.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heraldlb.config.IpAddress;
import org.junit.jupiter.api.Test;

class SolicitedNodeGroupsTest {
  @Test
  void theGroupIsFf02Colon1ColonFfAndTheLast24Bits() {
    assertEquals(
        "ff02:0:0:0:0:1:ff00:100",
        SolicitedNodeGroups.groupOf(IpAddress.parse("fd77:0:0:3::100")).getHostAddress());
    assertEquals(
        "ff02:0:0:0:0:1:ffab:cdef",
        SolicitedNodeGroups.groupOf(IpAddress.parse("2001:db8::12ab:cdef")).getHostAddress());
  }
}
