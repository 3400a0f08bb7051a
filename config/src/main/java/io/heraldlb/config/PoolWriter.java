package io.heraldlb.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a configuration as {@code pools.conf} (the native format) that parses back to the same
 * pools: what {@code migrate} prints. Every field is written when it differs from the default, so
 * the output says everything a pool does.
 */
public final class PoolWriter {
  private PoolWriter() {}

  /** The {@code pools.conf} text; the configuration's notes become comments at the top. */
  public static String hocon(PoolConfig config) {
    StringBuilder out = new StringBuilder();
    for (String note : config.notes()) {
      out.append("# ").append(note.replace('\n', ' ')).append('\n');
    }
    out.append("pools {\n");
    for (Pool p : config.pools()) {
      out.append("  ").append(quote(p.name())).append(" {\n");
      field(out, "addresses", list(p.addresses().stream().map(IpRange::toString).toList()));
      if (!p.autoAssign()) {
        field(out, "auto-assign", "false");
      }
      if (p.avoidBuggyIps()) {
        field(out, "avoid-buggy-ips", "true");
      }
      if (!p.namespaces().isEmpty()) {
        field(out, "namespaces", list(p.namespaces().stream().sorted().toList()));
      }
      if (!p.namespaceSelector().isEmpty()) {
        field(out, "namespace-selector", selectors(p.namespaceSelector()));
      }
      if (!p.serviceSelector().isEmpty()) {
        field(out, "service-selector", selectors(p.serviceSelector()));
      }
      advertisements(out, p.advertisements());
      if (p.priority() != 0) {
        field(out, "priority", Integer.toString(p.priority()));
      }
      if (p.crossNamespaceSharing()) {
        field(out, "allow-cross-namespace-sharing", "true");
      }
      out.append("  }\n");
    }
    return out.append("}\n").toString();
  }

  private static void field(StringBuilder out, String key, String value) {
    out.append("    ").append(key).append(" = ").append(value).append('\n');
  }

  /** One advertisement as the pool's node-selector and interfaces; none or several as a list. */
  private static void advertisements(StringBuilder out, List<Advertisement> advertisements) {
    if (advertisements.size() == 1) {
      Advertisement a = advertisements.get(0);
      if (!a.nodeSelector().isEmpty()) {
        field(out, "node-selector", selectors(a.nodeSelector()));
      }
      if (!a.interfaces().isEmpty()) {
        field(out, "interfaces", list(a.interfaces()));
      }
      return;
    }
    List<String> entries = new ArrayList<>();
    for (Advertisement a : advertisements) {
      List<String> parts = new ArrayList<>();
      if (!a.nodeSelector().isEmpty()) {
        parts.add("node-selector = " + selectors(a.nodeSelector()));
      }
      if (!a.interfaces().isEmpty()) {
        parts.add("interfaces = " + list(a.interfaces()));
      }
      entries.add("{ " + String.join(", ", parts) + " }");
    }
    field(out, "advertisements", "[" + String.join(", ", entries) + "]");
  }

  /**
   * A lone selector as an object; several, or one that matches everything, as a list (a lone {@code
   * {}} would read back as no selector at all).
   */
  private static String selectors(LabelSelectors s) {
    if (s.selectors().size() == 1 && !s.selectors().get(0).isEmpty()) {
      return selector(s.selectors().get(0));
    }
    return s.selectors().stream()
        .map(PoolWriter::selector)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String selector(LabelSelector s) {
    List<String> parts = new ArrayList<>();
    if (!s.matchLabels().isEmpty()) {
      parts.add("match-labels " + labels(s.matchLabels()));
    }
    if (!s.matchExpressions().isEmpty()) {
      parts.add(
          s.matchExpressions().stream()
              .map(PoolWriter::expression)
              .collect(Collectors.joining(", ", "match-expressions = [", "]")));
    }
    return parts.isEmpty() ? "{}" : "{ " + String.join(", ", parts) + " }";
  }

  private static String labels(Map<String, String> labels) {
    return labels.entrySet().stream()
        .map(e -> quote(e.getKey()) + " = " + quote(e.getValue()))
        .collect(Collectors.joining(", ", "{ ", " }"));
  }

  private static String expression(LabelSelector.Requirement r) {
    String head =
        "{ key = " + quote(r.key()) + ", operator = " + quote(r.operator().kubernetesName());
    return r.values().isEmpty() ? head + " }" : head + ", values = " + list(r.values()) + " }";
  }

  private static String list(List<String> items) {
    return items.stream().map(PoolWriter::quote).collect(Collectors.joining(", ", "[", "]"));
  }

  /** A HOCON quoted string; names, labels and addresses are validated, so escaping is short. */
  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
