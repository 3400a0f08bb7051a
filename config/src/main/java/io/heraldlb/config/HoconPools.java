package io.heraldlb.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Reads the native {@code pools.conf} (HOCON) format into drafts, collecting every error. */
final class HoconPools {
  private static final Set<String> POOL_KEYS =
      Set.of(
          "addresses",
          "auto-assign",
          "avoid-buggy-ips",
          "namespaces",
          "namespace-selector",
          "service-selector",
          "node-selector",
          "interfaces",
          "advertisements",
          "priority",
          "allow-cross-namespace-sharing");

  private HoconPools() {}

  static List<PoolDraft> read(String text, Errors errors) {
    ConfigObject root;
    try {
      Config parsed =
          ConfigFactory.parseString(
              text,
              ConfigParseOptions.defaults()
                  .setSyntax(ConfigSyntax.CONF)
                  .setOriginDescription(ConfigParser.NATIVE_KEY)
                  .setIncluder(RefusingIncluder.INSTANCE));
      // Substitutions may refer to the file itself but never to the environment of the process.
      root = parsed.resolve(ConfigResolveOptions.noSystem()).root();
    } catch (ConfigException e) {
      errors.add(ConfigParser.NATIVE_KEY, String.valueOf(e.getMessage()));
      return List.of();
    }
    List<PoolDraft> drafts = new ArrayList<>();
    for (String key : root.keySet()) {
      if (!key.equals("pools")) {
        errors.add(key, "unknown key (the top level holds only 'pools')");
      }
    }
    ConfigValue pools = root.get("pools");
    if (pools == null) {
      errors.add("pools", "missing: " + ConfigParser.NATIVE_KEY + " must define 'pools { ... }'");
      return drafts;
    }
    if (pools.valueType() != ConfigValueType.OBJECT) {
      errors.add("pools", "must be an object of pools, not " + describe(pools));
      return drafts;
    }
    for (Map.Entry<String, ConfigValue> e : ((ConfigObject) pools).entrySet()) {
      String name = e.getKey();
      String path = "pools." + name;
      String nameError = Names.checkDnsSubdomain(name);
      if (nameError != null) {
        errors.add(path, "bad pool name: " + nameError);
      }
      if (e.getValue().valueType() != ConfigValueType.OBJECT) {
        errors.add(path, "a pool must be an object, not " + describe(e.getValue()));
        continue;
      }
      drafts.add(readPool(path, name, (ConfigObject) e.getValue(), errors));
    }
    return drafts;
  }

  private static PoolDraft readPool(String path, String name, ConfigObject pool, Errors errors) {
    PoolDraft d = new PoolDraft(path, name);
    for (Map.Entry<String, ConfigValue> e : pool.entrySet()) {
      String key = e.getKey();
      String at = path + "." + key;
      ConfigValue v = e.getValue();
      switch (key) {
        case "addresses" ->
            stringList(at, v, errors, (i, s) -> addRange(d, at + "[" + i + "]", s, errors));
        case "auto-assign" -> bool(at, v, errors, b -> d.autoAssign = b);
        case "avoid-buggy-ips" -> bool(at, v, errors, b -> d.avoidBuggyIps = b);
        case "allow-cross-namespace-sharing" ->
            bool(at, v, errors, b -> d.crossNamespaceSharing = b);
        case "namespaces" ->
            stringList(at, v, errors, (i, s) -> addNamespace(d, at + "[" + i + "]", s, errors));
        case "namespace-selector" -> selectors(at, v, errors, d.namespaceSelectors);
        case "service-selector" -> selectors(at, v, errors, d.serviceSelectors);
        case "node-selector" -> selectors(at, v, errors, d.nodeSelectors);
        case "interfaces" ->
            stringList(
                at, v, errors, (i, s) -> addInterface(d.interfaces, at + "[" + i + "]", s, errors));
        case "advertisements" -> d.advertisements = advertisements(at, v, errors);
        case "priority" -> priority(at, v, errors, p -> d.priority = p);
        default ->
            errors.add(
                at,
                "unknown key (allowed: "
                    + String.join(", ", POOL_KEYS.stream().sorted().toList())
                    + ")");
      }
    }
    if (d.advertisements != null
        && (pool.containsKey("node-selector") || pool.containsKey("interfaces"))) {
      errors.add(
          path + ".advertisements",
          "set either advertisements or the pool's node-selector and interfaces, not both");
    }
    return d;
  }

  /**
   * {@code [{ node-selector {...}, interfaces = [...] }, ...]}: the pool is announced from every
   * node one entry covers; an empty list announces it nowhere.
   */
  private static @Nullable List<Advertisement> advertisements(
      String at, ConfigValue v, Errors errors) {
    if (v.valueType() != ConfigValueType.LIST) {
      errors.add(at, "must be a list of { node-selector, interfaces }, not " + describe(v));
      return null;
    }
    List<Advertisement> out = new ArrayList<>();
    List<?> items = (List<?>) v;
    for (int i = 0; i < items.size(); i++) {
      String item = at + "[" + i + "]";
      ConfigValue value = (ConfigValue) items.get(i);
      if (value.valueType() != ConfigValueType.OBJECT) {
        errors.add(
            item, "must be an object with node-selector and interfaces, not " + describe(value));
        continue;
      }
      List<LabelSelector> nodes = new ArrayList<>();
      List<String> interfaces = new ArrayList<>();
      for (Map.Entry<String, ConfigValue> e : ((ConfigObject) value).entrySet()) {
        String field = item + "." + e.getKey();
        switch (e.getKey()) {
          case "node-selector" -> selectors(field, e.getValue(), errors, nodes);
          case "interfaces" ->
              stringList(
                  field,
                  e.getValue(),
                  errors,
                  (j, s) -> addInterface(interfaces, field + "[" + j + "]", s, errors));
          default ->
              errors.add(field, "unknown key (an advertisement has node-selector and interfaces)");
        }
      }
      out.add(new Advertisement(new LabelSelectors(nodes), interfaces));
    }
    return out;
  }

  static void addRange(PoolDraft d, String at, String text, Errors errors) {
    d.addressEntries++;
    try {
      IpRange range = IpRange.parse(text);
      d.ranges.add(range);
      d.rangePaths.add(at);
    } catch (InvalidAddressException e) {
      errors.add(at, String.valueOf(e.getMessage()));
    }
  }

  static void addNamespace(PoolDraft d, String at, String ns, Errors errors) {
    String problem = Names.checkDnsLabel(ns);
    if (problem != null) {
      errors.add(at, problem);
    } else if (!d.namespaces.add(ns)) {
      errors.add(at, "namespace '" + ns + "' is listed twice");
    }
  }

  static void addInterface(List<String> into, String at, String name, Errors errors) {
    String problem = Names.checkInterface(name);
    if (problem != null) {
      errors.add(at, problem);
    } else if (into.contains(name)) {
      errors.add(at, "interface '" + name + "' is listed twice");
    } else {
      into.add(name);
    }
  }

  interface IndexedString {
    void accept(int index, String value);
  }

  private static void stringList(String at, ConfigValue v, Errors errors, IndexedString each) {
    if (v.valueType() != ConfigValueType.LIST) {
      errors.add(at, "must be a list of strings, not " + describe(v));
      return;
    }
    List<?> items = (List<?>) v;
    for (int i = 0; i < items.size(); i++) {
      ConfigValue item = (ConfigValue) items.get(i);
      if (item.valueType() != ConfigValueType.STRING) {
        errors.add(at + "[" + i + "]", "must be a string, not " + describe(item));
      } else {
        each.accept(i, (String) item.unwrapped());
      }
    }
  }

  private static void bool(String at, ConfigValue v, Errors errors, Consumer<Boolean> set) {
    if (v.valueType() == ConfigValueType.BOOLEAN) {
      set.accept((Boolean) v.unwrapped());
    } else {
      errors.add(at, "must be true or false, not " + describe(v));
    }
  }

  private static void priority(String at, ConfigValue v, Errors errors, Consumer<Integer> set) {
    Object raw = v.unwrapped();
    if (v.valueType() != ConfigValueType.NUMBER
        || !(raw instanceof Integer || raw instanceof Long)
        || ((Number) raw).longValue() < 0
        || ((Number) raw).longValue() > ConfigParser.MAX_PRIORITY) {
      errors.add(
          at,
          "must be a whole number from 0 to " + ConfigParser.MAX_PRIORITY + ", not " + describe(v));
      return;
    }
    set.accept(((Number) raw).intValue());
  }

  /**
   * One selector, or a list of selectors of which any one may match. A lone {@code {}} is no
   * selector at all; in a list it matches everything, as in Kubernetes.
   */
  private static void selectors(String at, ConfigValue v, Errors errors, List<LabelSelector> into) {
    if (v.valueType() == ConfigValueType.LIST) {
      List<?> items = (List<?>) v;
      for (int i = 0; i < items.size(); i++) {
        SelectorDraft one = new SelectorDraft();
        if (selector(at + "[" + i + "]", (ConfigValue) items.get(i), errors, one)) {
          into.add(one.build());
        }
      }
      return;
    }
    SelectorDraft one = new SelectorDraft();
    if (selector(at, v, errors, one) && !one.build().isEmpty()) {
      into.add(one.build());
    }
  }

  /**
   * {@code { app = web }} (equality only), or as Kubernetes writes it: {@code { match-labels {...},
   * match-expressions = [{ key = tier, operator = In, values = [web, api] }] }}. False when it is
   * not an object.
   */
  private static boolean selector(String at, ConfigValue v, Errors errors, SelectorDraft into) {
    if (v.valueType() != ConfigValueType.OBJECT) {
      errors.add(at, "must be an object of label = value, not " + describe(v));
      return false;
    }
    ConfigObject object = (ConfigObject) v;
    if (object.containsKey("match-labels") || object.containsKey("match-expressions")) {
      for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
        String field = at + "." + e.getKey();
        switch (e.getKey()) {
          case "match-labels" -> labels(field, e.getValue(), errors, into.labels);
          case "match-expressions" -> expressions(field, e.getValue(), errors, into.expressions);
          default ->
              errors.add(
                  field,
                  "unknown key: next to match-labels or match-expressions nothing else goes");
        }
      }
      return true;
    }
    for (String camel : List.of("matchLabels", "matchExpressions")) {
      if (object.containsKey(camel)) {
        errors.add(at + "." + camel, "pools.conf spells it " + kebab(camel));
        return true;
      }
    }
    labels(at, v, errors, into.labels);
    return true;
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
  }

  private static void expressions(
      String at, ConfigValue v, Errors errors, List<LabelSelector.Requirement> into) {
    if (v.valueType() != ConfigValueType.LIST) {
      errors.add(at, "must be a list of { key, operator, values }, not " + describe(v));
      return;
    }
    List<?> items = (List<?>) v;
    for (int i = 0; i < items.size(); i++) {
      String item = at + "[" + i + "]";
      ConfigValue value = (ConfigValue) items.get(i);
      if (value.valueType() != ConfigValueType.OBJECT) {
        errors.add(item, "must be an object with key, operator and values, not " + describe(value));
        continue;
      }
      ConfigObject o = (ConfigObject) value;
      boolean ok = true;
      for (String k : o.keySet()) {
        if (!Set.of("key", "operator", "values").contains(k)) {
          errors.add(item + "." + k, "unknown key: an expression has key, operator and values");
          ok = false;
        }
      }
      ConfigValue key = o.get("key");
      ConfigValue operator = o.get("operator");
      if (key == null || key.valueType() != ConfigValueType.STRING) {
        errors.add(item + ".key", "must be a label key (a string)");
        ok = false;
      }
      LabelSelector.Operator op = null;
      if (operator == null || operator.valueType() != ConfigValueType.STRING) {
        errors.add(item + ".operator", "must be one of In, NotIn, Exists, DoesNotExist");
        ok = false;
      } else {
        op = LabelSelector.Operator.fromKubernetesName((String) operator.unwrapped());
        if (op == null) {
          errors.add(
              item + ".operator",
              "must be one of In, NotIn, Exists, DoesNotExist, not '" + operator.unwrapped() + "'");
          ok = false;
        }
      }
      List<String> values = new java.util.ArrayList<>();
      ConfigValue written = o.get("values");
      if (written != null) {
        int before = errors.count();
        stringList(item + ".values", written, errors, (j, s) -> values.add(s));
        ok &= errors.count() == before;
      }
      if (!ok || key == null || op == null) {
        continue;
      }
      LabelSelector.Requirement r =
          new LabelSelector.Requirement((String) key.unwrapped(), op, values);
      String problem = r.check();
      if (problem != null) {
        errors.add(item, "bad selector: " + problem);
      } else {
        into.add(r);
      }
    }
  }

  private static void labels(String at, ConfigValue v, Errors errors, Map<String, String> into) {
    if (v.valueType() != ConfigValueType.OBJECT) {
      errors.add(at, "must be an object of label = value, not " + describe(v));
      return;
    }
    for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).entrySet()) {
      String key = e.getKey();
      ConfigValue value = e.getValue();
      String label = at + "." + key;
      if (value.valueType() == ConfigValueType.OBJECT) {
        errors.add(
            label, "label keys containing '.' must be quoted, e.g. \"kubernetes.io/os\" = linux");
        continue;
      }
      String text =
          switch (value.valueType()) {
            case STRING -> (String) value.unwrapped();
            case BOOLEAN, NUMBER -> value.render();
            default -> null;
          };
      if (text == null) {
        errors.add(label, "a label value must be a string, not " + describe(value));
        continue;
      }
      addLabel(label, key, text, errors, into);
    }
  }

  static void addLabel(
      String at, String key, String value, Errors errors, Map<String, String> into) {
    String problem = Names.checkLabelKey(key);
    if (problem == null) {
      problem = Names.checkLabelValue(value);
    }
    if (problem != null) {
      errors.add(at, "bad selector: " + problem);
    } else {
      into.put(key, value);
    }
  }

  private static String describe(ConfigValue v) {
    return switch (v.valueType()) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NULL -> "null";
      default -> v.render();
    };
  }

  /** HOCON {@code include} could read files or URLs; a ConfigMap may not. */
  private enum RefusingIncluder
      implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
    INSTANCE;

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
      return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
      throw refused();
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, File what) {
      throw refused();
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
      throw refused();
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
      throw refused();
    }

    private static ConfigException refused() {
      return new ConfigException.Generic("'include' is not allowed in " + ConfigParser.NATIVE_KEY);
    }
  }
}
