package io.heraldlb.speaker.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PcapPortTest {
  @Test
  void autoUsesPacketSocketsOnlyWhereTheirLayoutsAreKnown() {
    assertEquals("packet", PcapPort.resolve("auto", "amd64"));
    assertEquals("packet", PcapPort.resolve("auto", "aarch64"));
    assertEquals("pcap", PcapPort.resolve("auto", "arm"), "32-bit ARM: a Raspberry Pi OS");
    assertEquals("pcap", PcapPort.resolve("auto", "riscv64"));
    assertEquals("pcap", PcapPort.resolve("pcap", "amd64"), "asked for");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PcapPort.resolve("packet", "arm"));
    assertTrue(e.getMessage().contains("HERALDLB_TRANSPORT=pcap"), e.getMessage());
  }
}
