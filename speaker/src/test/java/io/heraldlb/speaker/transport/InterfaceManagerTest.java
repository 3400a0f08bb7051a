package io.heraldlb.speaker.transport;

import static io.heraldlb.speaker.transport.InterfaceSelectorTest.ETH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.MutableClock;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.responder.AnnouncedTable;
import io.heraldlb.speaker.responder.Link;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

    Set<IpAddress> filter = Set.of();
    Runnable beforeFirstFilter;

    FakePort(Link link) {
      this.link = link;
    }

    @Override
    public void captureFor(Set<IpAddress> addresses) {
      Runnable race = beforeFirstFilter;
      beforeFirstFilter = null;
      if (race != null) {
        race.run();
      }
      filter = addresses;
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

  final Map<String, Set<IpAddress>> groups = new java.util.HashMap<>();
  Error failNextScan;
  Runnable raceOnOpen;
  final MutableClock clock = new MutableClock();

  final InterfaceManager manager =
      new InterfaceManager(
          () -> {
            Error e = failNextScan;
            failNextScan = null;
            if (e != null) {
              throw e;
            }
            return List.copyOf(present);
          },
          List.of(),
          (nif, handlers) -> {
            if (refuse.contains(nif.name())) {
              throw new IOException("permission denied");
            }
            FakePort p = new FakePort(new Link(nif.name(), nif.mac()));
            p.beforeFirstFilter = raceOnOpen;
            raceOnOpen = null;
            opened.add(p);
            return p;
          },
          link -> (frame, length, from) -> {},
          () -> changes++,
          clock,
          new GroupMembership() {
            @Override
            public void follow(String iface, Set<IpAddress> addresses) {
              groups.put(iface, Set.copyOf(addresses));
            }

            @Override
            public void forget(String iface) {
              groups.remove(iface);
            }

            @Override
            public void close() {
              groups.clear();
            }
          });

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
    assertNotNull(manager.readinessProblem());
    manager.rescan();
    assertTrue(opened.get(0).closed);
    assertEquals(2, opened.size());
    assertNull(manager.readinessProblem());
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
  void anInterfaceThatCannotBeOpenedFailsReadinessButNotLivenessNorTheOthers() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    present.add(eth("eth1", "02:00:00:00:00:02"));
    refuse.add("eth1");
    manager.rescan();
    assertEquals(Set.of("eth0"), manager.links().keySet());
    assertTrue(manager.readinessProblem().contains("eth1"), manager.readinessProblem());
    assertNull(manager.scanProblem(Duration.ofSeconds(5)), "a restart would not open it either");
    assertEquals(1, manager.openFailures());
    refuse.clear();
    manager.rescan();
    assertNull(manager.readinessProblem());
    assertEquals(0, manager.openFailures());
  }

  @Test
  void anInterfaceThatVanishedAfterAFailedOpenIsForgotten() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    present.add(eth("vxlan0", "02:00:00:00:00:02"));
    refuse.add("vxlan0");
    manager.rescan();
    present.remove(1);
    manager.rescan();
    assertNull(manager.readinessProblem());
    assertEquals(0, manager.openFailures());
  }

  @Test
  void anErrorInOneScanLeavesLaterScansRunning() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    failNextScan = new StackOverflowError("a broken sysfs walk");
    manager.rescan();
    assertEquals(Set.of(), manager.links().keySet());
    manager.rescan();
    assertEquals(Set.of("eth0"), manager.links().keySet());
  }

  @Test
  void scansThatStopRunningFailLiveness() {
    present.add(eth("eth0", "02:00:00:00:00:01"));
    manager.rescan();
    assertNull(manager.scanProblem(Duration.ofSeconds(5)));
    clock.advance(Duration.ofSeconds(16));
    assertTrue(
        manager.scanProblem(Duration.ofSeconds(5)).contains("has not run"),
        manager.scanProblem(Duration.ofSeconds(5)));
    manager.rescan();
    assertNull(manager.scanProblem(Duration.ofSeconds(5)));
  }

  @Test
  void aNewPortEndsWithTheNewestTableEvenWhenOneIsPublishedWhileItOpens() {
    IpAddress older = IpAddress.parse("192.168.1.240");
    IpAddress newer = IpAddress.parse("192.168.1.241");
    manager.captureFor(AnnouncedTable.of(Map.of(older, List.of("eth0"))));
    present.add(eth("eth0", "02:00:00:00:00:01"));
    // The loop publishes a newer table between the scan's registering the port and its filter.
    raceOnOpen = () -> manager.captureFor(AnnouncedTable.of(Map.of(newer, List.of("eth0"))));
    manager.rescan();
    assertEquals(Set.of(newer), opened.get(0).filter);
  }

  @Test
  void theGroupsOfTheAnnouncedAddressesFollowTheTableAndLeaveWithTheInterface() {
    IpAddress v6 = IpAddress.parse("2001:db8::1:240");
    present.add(eth("eth0", "02:00:00:00:00:01"));
    manager.rescan();
    manager.captureFor(AnnouncedTable.of(Map.of(v6, List.of("eth0"))));
    assertEquals(Set.of(v6), groups.get("eth0"));
    present.clear();
    manager.rescan();
    assertFalse(groups.containsKey("eth0"), "left with the interface");
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
