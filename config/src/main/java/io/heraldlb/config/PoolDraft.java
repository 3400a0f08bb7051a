package io.heraldlb.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A pool as read from either format, before the cross-pool checks. Used only while parsing. */
final class PoolDraft {
  final String path;
  final String name;
  final List<IpRange> ranges = new ArrayList<>();
  final List<String> rangePaths = new ArrayList<>();
  boolean autoAssign = true;
  boolean avoidBuggyIps;
  final Set<String> namespaces = new LinkedHashSet<>();
  final SelectorDraft namespaceSelector = new SelectorDraft();
  final SelectorDraft serviceSelector = new SelectorDraft();
  final SelectorDraft nodeSelector = new SelectorDraft();
  final List<String> interfaces = new ArrayList<>();
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
    return new Pool(
        name,
        sorted,
        autoAssign,
        avoidBuggyIps,
        namespaces,
        namespaceSelector.build(),
        serviceSelector.build(),
        nodeSelector.build(),
        interfaces,
        priority,
        crossNamespaceSharing);
  }
}
