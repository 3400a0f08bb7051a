package io.heraldlb.speaker.transport;

import static io.heraldlb.speaker.transport.NetInterface.IFF_BROADCAST;
import static io.heraldlb.speaker.transport.NetInterface.IFF_LOOPBACK;
import static io.heraldlb.speaker.transport.NetInterface.IFF_UP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heraldlb.speaker.packet.MacAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InterfaceSelectorTest {
  static final int ETH = IFF_UP | IFF_BROADCAST;

  static NetInterface nif(String name, int flags, boolean enslaved) {
    return new NetInterface(
        name, flags, 1, MacAddress.parse("02:00:00:00:00:0" + (name.length() % 10)), enslaved);
  }

  static final List<NetInterface> HOST =
      List.of(
          nif("lo", IFF_UP | IFF_LOOPBACK, false),
          nif("eth0", ETH, false),
          nif("eth1", IFF_BROADCAST, false), // down
          nif("ens3", ETH, true), // in a bond
          nif("bond0", ETH, false),
          nif("docker0", ETH, false),
          nif("veth1234", ETH, false),
          nif("cali99", ETH, false),
          nif("flannel.1", ETH, false),
          nif("kube-ipvs0", ETH, false),
          nif("cni0", ETH, false),
          nif("wg0", IFF_UP, false)); // point to point: no broadcast

  @Test
  void automaticSelectionTakesUpBroadcastNonEnslavedPhysicalLinks() {
    InterfaceSelector.Selection s = InterfaceSelector.select(HOST, List.of(), Set.of());
    assertEquals(Set.of("bond0", "eth0"), s.defaults());
    assertEquals(Set.of("bond0", "eth0"), s.open().keySet());
  }

  @Test
  void theSettingReplacesAutomaticSelectionEvenForNamesItWouldSkip() {
    InterfaceSelector.Selection s =
        InterfaceSelector.select(HOST, List.of("veth1234", "eth1", "nope"), Set.of());
    assertEquals(Set.of("veth1234"), s.defaults());
    assertEquals(Set.of("eth1", "nope"), s.missing());
  }

  @Test
  void poolInterfacesAreOpenedWithoutBecomingDefaults() {
    InterfaceSelector.Selection s = InterfaceSelector.select(HOST, List.of(), Set.of("docker0"));
    assertEquals(Set.of("bond0", "eth0"), s.defaults());
    assertEquals(Set.of("bond0", "docker0", "eth0"), s.open().keySet());
  }

  @Test
  void linksWithoutAMacOrNotEthernetAreNeverUsable() {
    NetInterface noMac = new NetInterface("eth5", ETH, 1, MacAddress.ZERO, false);
    NetInterface infiniband =
        new NetInterface("ib0", ETH, 32, MacAddress.parse("02:00:00:00:00:05"), false);
    InterfaceSelector.Selection s =
        InterfaceSelector.select(List.of(noMac, infiniband), List.of("eth5", "ib0"), Set.of());
    assertEquals(Set.of(), s.defaults());
  }
}
