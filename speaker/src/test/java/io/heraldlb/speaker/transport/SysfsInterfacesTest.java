package io.heraldlb.speaker.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heraldlb.speaker.packet.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsInterfacesTest {
  @TempDir Path root;

  void link(String name, String flags, String type, String mac, boolean master) throws IOException {
    Path dir = Files.createDirectories(root.resolve(name));
    Files.writeString(dir.resolve("flags"), flags + "\n");
    Files.writeString(dir.resolve("type"), type + "\n");
    Files.writeString(dir.resolve("address"), mac + "\n");
    if (master) {
      Files.createSymbolicLink(dir.resolve("master"), root.resolve("bond0"));
    }
  }

  @Test
  void readsFlagsTypeMacAndBondMembershipOfEveryLink() throws IOException {
    link("bond0", "0x1403", "1", "02:00:00:00:00:01", false);
    link("eth0", "0x1803", "1", "02:00:00:00:00:02", true);
    link("lo", "0x9", "772", "00:00:00:00:00:00", false);
    List<NetInterface> all = new SysfsInterfaces(root).get();
    assertEquals(
        List.of(
            new NetInterface("bond0", 0x1403, 1, MacAddress.parse("02:00:00:00:00:01"), false),
            new NetInterface("eth0", 0x1803, 1, MacAddress.parse("02:00:00:00:00:02"), true),
            new NetInterface("lo", 0x9, 772, MacAddress.ZERO, false)),
        all);
  }

  @Test
  void skipsALinkWhoseFilesVanishedOrAreGarbage() throws IOException {
    link("eth0", "0x1003", "1", "02:00:00:00:00:02", false);
    Files.createDirectories(root.resolve("gone"));
    link("weird", "banana", "1", "02:00:00:00:00:03", false);
    assertEquals(
        List.of("eth0"), new SysfsInterfaces(root).get().stream().map(NetInterface::name).toList());
  }

  @Test
  void aMissingDirectoryMeansNoInterfacesNotACrash() {
    assertEquals(List.of(), new SysfsInterfaces(root.resolve("nothing")).get());
  }
}
