package io.heraldlb.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A pool as read from any format, before the cross-pool checks. Used only while parsing. */
final class PoolDraft {
  final String path;
  final String name;
  final List<IpRange> ranges = new ArrayList<>();
  final List<String> rangePaths = new ArrayList<>();
  boolean autoAssign = true;
  boolean avoidBuggyIps;
  final Set<String> namespaces = new LinkedHashSet<>();
  final List<LabelSelector> namespaceSelectors = new ArrayList<>();
  final List<LabelSelector> serviceSelectors = new ArrayList<>();

  /** The native shorthand for one advertisement: {@code node-selector} and {@code interfaces}. */
  final List<LabelSelector> nodeSelectors = new ArrayList<>();

  final List<String> interfaces = new ArrayList<>();

  /** Set when the advertisements were written out (native list, or MetalLB's objects). */
  @Nullable List<Advertisement> advertisements;

  int priority;
  boolean crossNamespaceSharing;
  int addressEntries;

  PoolDraft(String path, String name) {
    this.path = path;
    this.name = name;
  }

  Pool build() {
    List<IpRange> sorted = new ArrayList<>(ranges);
    sorted.sort((a, b) -> a.first().compareTo(b.first()));
    List<Advertisement> announce = advertisements;
    if (announce == null) {
      announce = List.of(new Advertisement(new LabelSelectors(nodeSelectors), interfaces));
    }
    return new Pool(
        name,
        sorted,
        autoAssign,
        avoidBuggyIps,
        namespaces,
        new LabelSelectors(namespaceSelectors),
        new LabelSelectors(serviceSelectors),
        announce,
        priority,
        crossNamespaceSharing);
  }
}
