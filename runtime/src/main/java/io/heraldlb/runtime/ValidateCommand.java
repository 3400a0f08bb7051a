package io.heraldlb.runtime;

import io.heraldlb.config.ConfigError;
import io.heraldlb.config.ConfigParser;
import io.heraldlb.config.Family;
import io.heraldlb.config.ParseResult;
import io.heraldlb.config.Pool;
import io.heraldlb.config.PoolConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * {@code validate FILE}: checks a pool ConfigMap manifest, MetalLB's {@code IPAddressPool} and
 * {@code L2Advertisement} manifests (YAML, possibly several documents, as {@code kubectl get -o
 * yaml} writes them too), or a bare {@code pools.conf}, with the same parser the programs use. Exit
 * 0 and one line per pool when valid; exit 1 and every error on stderr when not; exit 2 when the
 * file cannot be read.
 */
public final class ValidateCommand {
  private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private ValidateCommand() {}

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.size() != 1) {
      err.println(
          "usage: validate FILE   (a ConfigMap manifest, MetalLB's IPAddressPools and"
              + " L2Advertisements, or a pools.conf)");
      return 2;
    }
    Map<String, ParseResult> configurations = read(Path.of(args.get(0)), err);
    if (configurations == null) {
      return 2;
    }
    boolean ok = true;
    for (Map.Entry<String, ParseResult> c : configurations.entrySet()) {
      ok &= report(c.getKey(), c.getValue(), configurations.size() > 1, out, err);
    }
    return ok ? 0 : 1;
  }

  /**
   * The configurations in {@code file}, parsed, by name: each ConfigMap, MetalLB's objects (all of
   * them together, as the programs read them), or the file itself as a {@code pools.conf} when it
   * holds neither; null (and the reason on {@code err}) when it cannot be read.
   */
  static @Nullable Map<String, ParseResult> read(Path file, PrintStream err) {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        err.println(file + ": larger than " + MAX_FILE_BYTES + " bytes; not a pool configuration");
        return null;
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      err.println(file + ": cannot read: " + e.getMessage());
      return null;
    }
    Map<String, ParseResult> parsed = new LinkedHashMap<>();
    List<Map<?, ?>> metalLb = new ArrayList<>();
    configMaps(text, metalLb).forEach((name, data) -> parsed.put(name, ConfigParser.parse(data)));
    if (!metalLb.isEmpty()) {
      String namespace = metalLbNamespace(metalLb);
      parsed.put(
          ConfigParser.metalLbSource(namespace), ConfigParser.parseMetalLb(metalLb, namespace));
    }
    if (parsed.isEmpty()) {
      parsed.put(
          file.getFileName().toString(), ConfigParser.parse(Map.of(ConfigParser.NATIVE_KEY, text)));
    }
    return parsed;
  }

  /** The namespace the objects name (the first that names one), else MetalLB's default. */
  private static String metalLbNamespace(List<Map<?, ?>> objects) {
    for (Map<?, ?> o : objects) {
      if (o.get("metadata") instanceof Map<?, ?> m && m.get("namespace") instanceof String ns) {
        return ns;
      }
    }
    return "metallb-system";
  }

  private static boolean report(
      String name, ParseResult result, boolean prefix, PrintStream out, PrintStream err) {
    String p = prefix ? name + ": " : "";
    if (result instanceof ParseResult.Invalid invalid) {
      for (ConfigError e : invalid.errors()) {
        err.println(p + e);
      }
      err.println(p + invalid.errors().size() + " error(s); the configuration is not valid");
      return false;
    }
    PoolConfig config = ((ParseResult.Valid) result).config();
    config.notes().forEach(n -> err.println(p + "note: " + n));
    for (Pool pool : config.pools()) {
      out.println(p + summary(pool));
    }
    out.println(p + "valid: " + config.pools().size() + " pool(s) from '" + config.source() + "'");
    return true;
  }

  /** {@code pool dmz: IPv4+IPv6, 264 addresses (IPv4 8, IPv6 256), auto-assign off}. */
  static String summary(Pool pool) {
    List<String> families = new ArrayList<>();
    List<String> counts = new ArrayList<>();
    BigInteger total = BigInteger.ZERO;
    for (Family f : pool.families()) {
      families.add(f.kubernetesName());
      BigInteger n = pool.size(f);
      counts.add(f.kubernetesName() + " " + n);
      total = total.add(n);
    }
    StringBuilder sb = new StringBuilder("pool ").append(pool.name()).append(": ");
    sb.append(String.join("+", families))
        .append(", ")
        .append(total)
        .append(total.equals(BigInteger.ONE) ? " address" : " addresses");
    if (counts.size() > 1) {
      sb.append(" (").append(String.join(", ", counts)).append(')');
    }
    if (!pool.autoAssign()) {
      sb.append(", auto-assign off");
    }
    if (pool.avoidBuggyIps()) {
      sb.append(", avoids .0/.255");
    }
    if (!pool.namespaces().isEmpty()) {
      sb.append(", namespaces ")
          .append(pool.namespaces().stream().sorted().collect(Collectors.joining(",")));
    }
    if (!pool.namespaceSelector().isEmpty()) {
      sb.append(", namespaces labelled ").append(pool.namespaceSelector());
    }
    if (!pool.serviceSelector().isEmpty()) {
      sb.append(", Services labelled ").append(pool.serviceSelector());
    }
    if (!pool.advertised()) {
      sb.append(", not announced (no advertisement covers it)");
    } else if (!pool.nodeRule().equals("every node")) {
      sb.append(", announced from ").append(pool.nodeRule());
    }
    if (!pool.namedInterfaces().isEmpty()) {
      sb.append(", interfaces ").append(String.join(",", pool.namedInterfaces()));
    }
    if (pool.priority() != 0) {
      sb.append(", priority ").append(pool.priority());
    }
    return sb.toString();
  }

  /** The data of every ConfigMap document in {@code text}, by name; empty if there is none. */
  static Map<String, Map<String, String>> configMaps(String text) {
    return configMaps(text, new ArrayList<>());
  }

  /**
   * The data of every ConfigMap document in {@code text}, by name; empty if there is none.
   * MetalLB's objects go to {@code metalLb}; a {@code List} (as {@code kubectl get -o yaml} prints
   * several objects) is opened.
   */
  static Map<String, Map<String, String>> configMaps(String text, List<Map<?, ?>> metalLb) {
    Map<String, Map<String, String>> found = new LinkedHashMap<>();
    try {
      int index = 0;
      List<Object> docs = new ArrayList<>();
      for (Object doc : ConfigParser.safeYaml().loadAll(text)) {
        if (doc instanceof Map<?, ?> m
            && "List".equals(m.get("kind"))
            && m.get("items") instanceof List<?> items) {
          docs.addAll(items);
        } else {
          docs.add(doc);
        }
      }
      for (Object doc : docs) {
        index++;
        if (doc instanceof Map<?, ?> m && ConfigParser.isMetalLbObject(m)) {
          metalLb.add(m);
        } else if (doc instanceof Map<?, ?> m && "ConfigMap".equals(m.get("kind"))) {
          String name = "document " + index;
          if (m.get("metadata") instanceof Map<?, ?> meta && meta.get("name") instanceof String n) {
            name = "ConfigMap " + n;
          }
          Map<String, String> data = new LinkedHashMap<>();
          if (m.get("data") instanceof Map<?, ?> d) {
            d.forEach((k, v) -> data.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
          }
          found.put(name, data);
        }
      }
    } catch (YAMLException | ClassCastException e) {
      // Not YAML (a pools.conf usually is not): the caller treats the text as HOCON.
      found.clear();
      metalLb.clear();
    }
    return found;
  }
}
