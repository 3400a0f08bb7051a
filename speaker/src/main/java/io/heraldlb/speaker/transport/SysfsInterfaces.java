package io.heraldlb.speaker.transport;

import io.heraldlb.speaker.packet.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists network interfaces from {@code /sys/class/net}: the one place that tells flags, link type,
 * MAC and bond/bridge membership together. A directory argument lets tests use a fake tree.
 */
public final class SysfsInterfaces implements Supplier<List<NetInterface>> {
  private static final Logger log = LoggerFactory.getLogger(SysfsInterfaces.class);

  public static final Path DEFAULT_ROOT = Path.of("/sys/class/net");

  private final Path root;

  public SysfsInterfaces(Path root) {
    this.root = root;
  }

  @Override
  public List<NetInterface> get() {
    List<NetInterface> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        NetInterface i = read(dir);
        if (i != null) {
          out.add(i);
        }
      }
    } catch (IOException e) {
      log.warn("cannot list network interfaces in {}: {}", root, e.toString());
    }
    return out;
  }

  /** One interface, or null when its files cannot be read (it may be vanishing right now). */
  static @Nullable NetInterface read(Path dir) {
    try {
      int flags = Integer.decode(Files.readString(dir.resolve("flags")).strip());
      int type = Integer.parseInt(Files.readString(dir.resolve("type")).strip());
      MacAddress mac = mac(dir);
      boolean enslaved =
          Files.exists(dir.resolve("master"), java.nio.file.LinkOption.NOFOLLOW_LINKS);
      return new NetInterface(dir.getFileName().toString(), flags, type, mac, enslaved);
    } catch (IOException | RuntimeException e) {
      log.debug("skipping interface {}: {}", dir.getFileName(), e.toString());
      return null;
    }
  }

  private static MacAddress mac(Path dir) throws IOException {
    String text = Files.readString(dir.resolve("address")).strip();
    return text.length() == 17 ? MacAddress.parse(text) : MacAddress.ZERO;
  }
}
