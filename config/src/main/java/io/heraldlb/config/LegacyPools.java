package io.heraldlb.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the MetalLB ≤0.12 legacy format (YAML under the ConfigMap key {@code config}): layer2
 * {@code address-pools}. BGP pools and peers are refused: HeraldLB does not speak BGP.
 */
final class LegacyPools {
  private static final Set<String> TOP_KEYS =
      Set.of("address-pools", "peers", "bgp-communities", "bfd-profiles");
  private static final Set<String> POOL_KEYS =
      Set.of(
          "name", "protocol", "addresses", "auto-assign", "avoid-buggy-ips", "bgp-advertisements");

  private LegacyPools() {}

  /** A YAML loader safe for hostile text: plain types only, bounded aliases, depth and size. */
  static Yaml safeYaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(20);
    options.setNestingDepthLimit(32);
    options.setCodePointLimit(2 * 1024 * 1024);
    return new Yaml(new SafeConstructor(options));
  }

  static List<PoolDraft> read(String text, Errors errors) {
    String base = ConfigParser.LEGACY_KEY;
    Object root;
    try {
      root = safeYaml().load(text);
    } catch (YAMLException e) {
      errors.add(base, "not valid YAML: " + firstLine(e.getMessage()));
      return List.of();
    }
    List<PoolDraft> drafts = new ArrayList<>();
    if (!(root instanceof Map<?, ?> top)) {
      errors.add(base, "must be a YAML mapping with 'address-pools'");
      return drafts;
    }
    for (Map.Entry<?, ?> e : top.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!TOP_KEYS.contains(key)) {
        errors.add(key, "unknown key (the legacy format holds 'address-pools')");
      } else if (!key.equals("address-pools") && !isEmpty(e.getValue())) {
        errors.add(key, "BGP is not supported by HeraldLB (layer2 pools only)");
      }
    }
    Object pools = top.get("address-pools");
    if (pools == null) {
      errors.add("address-pools", "missing: the legacy format must list 'address-pools'");
      return drafts;
    }
    if (!(pools instanceof List<?> list)) {
      errors.add("address-pools", "must be a list of pools");
      return drafts;
    }
    for (int i = 0; i < list.size(); i++) {
      PoolDraft d = readPool("address-pools[" + i + "]", list.get(i), errors);
      if (d != null) {
        drafts.add(d);
      }
    }
    return drafts;
  }

  private static @Nullable PoolDraft readPool(String at, Object raw, Errors errors) {
    if (!(raw instanceof Map<?, ?> pool)) {
      errors.add(at, "a pool must be a mapping with name, protocol and addresses");
      return null;
    }
    Object nameValue = pool.get("name");
    String name = nameValue instanceof String s ? s : null;
    if (name == null) {
      errors.add(at + ".name", "missing or not a string");
      name = "";
    } else {
      String problem = Names.checkDnsSubdomain(name);
      if (problem != null) {
        errors.add(at + ".name", "bad pool name: " + problem);
      }
      at = "address-pools[" + name + "]";
    }
    PoolDraft d = new PoolDraft(at, name);
    for (Map.Entry<?, ?> e : pool.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!POOL_KEYS.contains(key)) {
        errors.add(
            at + "." + key,
            "unknown key (allowed: "
                + String.join(", ", POOL_KEYS.stream().sorted().toList())
                + ")");
      }
    }
    Object protocol = pool.get("protocol");
    if ("bgp".equals(protocol)) {
      errors.add(at + ".protocol", "bgp: BGP is not supported by HeraldLB (use protocol: layer2)");
    } else if (!"layer2".equals(protocol)) {
      errors.add(
          at + ".protocol",
          (protocol == null ? "missing" : "'" + protocol + "' is not supported") + ": use layer2");
    }
    if (pool.containsKey("bgp-advertisements")) {
      errors.add(at + ".bgp-advertisements", "BGP is not supported by HeraldLB");
    }
    Object addresses = pool.get("addresses");
    if (addresses instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String path = at + ".addresses[" + i + "]";
        if (list.get(i) instanceof String s) {
          HoconPools.addRange(d, path, s, errors);
        } else {
          d.addressEntries++;
          errors.add(path, "must be a string, not " + list.get(i));
        }
      }
    } else if (addresses != null) {
      errors.add(at + ".addresses", "must be a list of addresses");
    }
    d.autoAssign = bool(pool, "auto-assign", true, at, errors);
    d.avoidBuggyIps = bool(pool, "avoid-buggy-ips", false, at, errors);
    // MetalLB shares an IP between Services of any namespaces that use the same key; its old
    // ConfigMap keeps that behaviour, so a switch breaks nothing (the native format asks).
    d.crossNamespaceSharing = true;
    return d;
  }

  private static boolean bool(Map<?, ?> pool, String key, boolean dflt, String at, Errors errors) {
    Object v = pool.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    errors.add(at + "." + key, "must be true or false, not " + v);
    return dflt;
  }

  private static boolean isEmpty(Object v) {
    return v == null
        || (v instanceof List<?> l && l.isEmpty())
        || (v instanceof Map<?, ?> m && m.isEmpty());
  }

  static String firstLine(@Nullable String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
