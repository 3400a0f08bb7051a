package io.heraldlb.speaker.transport;

import static io.heraldlb.speaker.transport.InterfaceSelectorTest.ETH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.responder.Link;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InterfaceManagerTest {

  static final class FakePort implements Port {
    final Link link;
    boolean sendWorks = true;
    String problem;
    boolean closed;
    long drops;
    final List<Integer> sent = new ArrayList<>();

    FakePort(Link link) {
      this.link = link;
    }

    @Override
    public Link link() {
      return link;
    }

    @Override
    public boolean send(byte[] frame, int length) {
      if (sendWorks) {
        sent.add(length);
      }
      return sendWorks;
    }

    @Override
    public String problem() {
      return problem;
    }

    @Override
    public long kernelDrops() {
      return drops;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  final List<NetInterface> present = new ArrayList<>();
  final List<FakePort> opened = new ArrayList<>();
  final Set<String> refuse = new HashSet<>();
  int changes;

  final InterfaceManager manager =
      new InterfaceManager(
          () -> List.copyOf(present),
          List.of(),
          (nif, handlers) -> {
            if (refuse.contains(nif.name())) {
              throw new IOException("permission denied");
            }
            FakePort p = new FakePort(new Link(nif.name(), nif.mac()));
            opened.add(p);
            return p;
          },
          link -> (frame, length, from) -> {},
          () -> changes++);

  static NetInterface eth(String name, String mac) {
    return new NetInterface(name, ETH, 1, MacAddress.parse(mac), false);
  }

  @Test
  void opensEachSelectedInterfaceOnceAndSaysSo() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    manager.rescan();
    manager.rescan();
    assertEquals(1, opened.size());
    assertEquals(1, changes);
    assertEquals(Set.of("eth0"), manager.links().keySet());
    assertTrue(manager.send("eth0", new byte[60], 42));
    assertFalse(manager.send("eth9", new byte[60], 42));
  }

  @Test
  void closesAnInterfaceThatWentAway() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    manager.rescan();
    present.clear();
    manager.rescan();
    assertTrue(opened.get(0).closed);
    assertEquals(Set.of(), manager.links().keySet());
    assertEquals(2, changes);
  }

  @Test
  void framesTheKernelDroppedAreSummedOverPortsAndKeptWhenAPortCloses() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    present.add(eth("eth1", "02:00:00:00:00:02"));
    manager.rescan();
    FakePort eth1 = opened.stream().filter(p -> p.link.name().equals("eth1")).findFirst().get();
    opened.get(0).drops += 5;
    opened.get(1).drops += 7;
    assertEquals(12, manager.kernelDrops());
    present.remove(1);
    manager.rescan();
    assertTrue(eth1.closed);
    assertEquals(12, manager.kernelDrops(), "a counter does not go down when its port closes");
  }

  @Test
  void reopensABrokenCaptureAndReportsItUntilThen() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    manager.rescan();
    opened.get(0).problem = "capture on eth0 broke";
    assertNotNull(manager.problem());
    manager.rescan();
    assertTrue(opened.get(0).closed);
    assertEquals(2, opened.size());
    assertNull(manager.problem());
  }

  @Test
  void reopensWhenTheMacChanges() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    manager.rescan();
    present.set(0, eth("eth0", "02:00:00:00:00:02"));
    manager.rescan();
    assertEquals(MacAddress.parse("02:00:00:00:00:02"), manager.links().get("eth0"));
  }

  @Test
  void anInterfaceThatCannotBeOpenedMakesHealthFailButNotTheOthers() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    present.add(eth("eth1", "02:00:00:00:00:02"));
    refuse.add("eth1");
    manager.rescan();
    assertEquals(Set.of("eth0"), manager.links().keySet());
    assertTrue(manager.problem().contains("eth1"), manager.problem());
    refuse.clear();
    manager.rescan();
    assertNull(manager.problem());
  }

  @Test
  void poolInterfacesAreOpenedOnTheNextScan() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    present.add(new NetInterface("veth7", ETH, 1, MacAddress.parse("02:00:00:00:00:07"), false));
    manager.rescan();
    manager.wantPoolInterfaces(Set.of("veth7"));
    manager.rescan();
    assertEquals(Set.of("eth0", "veth7"), manager.links().keySet());
    assertEquals(Set.of("eth0"), manager.defaultInterfaces());
  }
}
