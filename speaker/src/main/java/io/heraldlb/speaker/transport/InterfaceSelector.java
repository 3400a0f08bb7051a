package io.heraldlb.speaker.transport;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which interfaces to answer on. Automatic selection takes every interface that is up,
 * broadcast-capable, not a loopback, not enslaved to a bond or bridge, and not named like the
 * virtual links of container runtimes and CNIs. Interfaces named by the operator (setting or pool)
 * only need to exist and be usable: naming one is a decision we do not second-guess.
 */
public final class InterfaceSelector {
  private InterfaceSelector() {}

  public static final List<String> VIRTUAL_PREFIXES =
      List.of(
          "docker",
          "cbr",
          "dummy",
          "virbr",
          "lxcbr",
          "veth",
          "lo",
          "cali",
          "tunl",
          "flannel",
          "kube-ipvs",
          "cni",
          "nodelocaldns",
          "lxc");

  /**
   * @param defaults where addresses of pools without their own {@code interfaces} are announced
   * @param open every interface to capture on: the defaults and the pools' interfaces
   * @param missing interfaces asked for by name that are absent or unusable
   */
  public record Selection(
      Set<String> defaults, Map<String, NetInterface> open, Set<String> missing) {
    public Selection {
      defaults = Set.copyOf(defaults);
      open = Map.copyOf(open);
      missing = Set.copyOf(missing);
    }
  }

  /**
   * @param override the {@code interfaces} setting; empty: automatic selection
   * @param poolInterfaces interfaces named by pools, opened too
   */
  public static Selection select(
      Collection<NetInterface> all, List<String> override, Set<String> poolInterfaces) {
    Map<String, NetInterface> byName = new TreeMap<>();
    all.forEach(i -> byName.put(i.name(), i));
    Set<String> missing = new TreeSet<>();
    Set<String> defaults = new TreeSet<>();
    if (override.isEmpty()) {
      byName.values().stream()
          .filter(InterfaceSelector::automatic)
          .forEach(i -> defaults.add(i.name()));
    } else {
      named(override, byName, defaults, missing);
    }
    Set<String> open = new TreeSet<>(defaults);
    named(poolInterfaces, byName, open, missing);
    Map<String, NetInterface> opened = new TreeMap<>();
    open.forEach(n -> opened.put(n, byName.get(n)));
    return new Selection(defaults, opened, missing);
  }

  static boolean automatic(NetInterface i) {
    return i.automatic() && VIRTUAL_PREFIXES.stream().noneMatch(i.name()::startsWith);
  }

  private static void named(
      Collection<String> names,
      Map<String, NetInterface> byName,
      Set<String> into,
      Set<String> missing) {
    for (String name : names) {
      NetInterface i = byName.get(name);
      if (i != null && i.usable()) {
        into.add(name);
      } else {
        missing.add(name);
      }
    }
  }
}
