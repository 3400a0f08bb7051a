package io.heraldlb.config;

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
      selector(out, "namespace-selector", p.namespaceSelector());
      selector(out, "service-selector", p.serviceSelector());
      selector(out, "node-selector", p.nodeSelector());
      if (!p.interfaces().isEmpty()) {
        field(out, "interfaces", list(p.interfaces()));
      }
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

  private static void selector(StringBuilder out, String key, LabelSelector s) {
    if (s.isEmpty()) {
      return;
    }
    List<String> parts = new java.util.ArrayList<>();
    if (!s.matchLabels().isEmpty()) {
      parts.add("match-labels " + labels(s.matchLabels()));
    }
    if (!s.matchExpressions().isEmpty()) {
      parts.add(
          s.matchExpressions().stream()
              .map(PoolWriter::expression)
              .collect(Collectors.joining(", ", "match-expressions = [", "]")));
    }
    field(out, key, "{ " + String.join(", ", parts) + " }");
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
