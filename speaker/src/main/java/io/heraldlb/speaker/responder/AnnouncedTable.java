package io.heraldlb.speaker.responder;

import io.heraldlb.config.IpAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What this node answers for, by interface: an immutable snapshot that capture threads read without
 * locks while the announcer publishes a new one on every change.
 */
public final class AnnouncedTable {
  public static final AnnouncedTable EMPTY = new AnnouncedTable(Map.of());

  private final Map<String, Set<IpAddress>> byInterface;
  private final Set<IpAddress> all;

  private AnnouncedTable(Map<String, Set<IpAddress>> byInterface) {
    this.byInterface = byInterface;
    Set<IpAddress> union = new HashSet<>();
    byInterface.values().forEach(union::addAll);
    this.all = Set.copyOf(union);
  }

  /** Builds a table from each address's interfaces. */
  public static AnnouncedTable of(Map<IpAddress, List<String>> interfacesByIp) {
    Map<String, Set<IpAddress>> by = new HashMap<>();
    interfacesByIp.forEach(
        (ip, names) -> names.forEach(n -> by.computeIfAbsent(n, k -> new HashSet<>()).add(ip)));
    Map<String, Set<IpAddress>> frozen = new HashMap<>();
    by.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
    return new AnnouncedTable(Map.copyOf(frozen));
  }

  /** The addresses answered on {@code interfaceName}; empty when none. */
  public Set<IpAddress> on(String interfaceName) {
    return byInterface.getOrDefault(interfaceName, Set.of());
  }

  public Set<IpAddress> all() {
    return all;
  }

  /** The same table without {@code ip}: after a successor took it over during shutdown. */
  public AnnouncedTable without(IpAddress ip) {
    Map<String, Set<IpAddress>> by = new HashMap<>();
    byInterface.forEach(
        (k, v) -> {
          Set<IpAddress> rest = new HashSet<>(v);
          rest.remove(ip);
          if (!rest.isEmpty()) {
            by.put(k, Set.copyOf(rest));
          }
        });
    return new AnnouncedTable(Map.copyOf(by));
  }

  @Override
  public String toString() {
    return byInterface.toString();
  }
}
