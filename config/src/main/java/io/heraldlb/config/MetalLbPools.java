package io.heraldlb.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Reads MetalLB's {@code metallb.io/v1beta1} objects, {@code IPAddressPool} and {@code
 * L2Advertisement}, into drafts with MetalLB's meaning kept:
 *
 * <ul>
 *   <li>Pools with a {@code serviceAllocation} come first, by its {@code priority} where one is set
 *       (lower first), then those whose priority is unset or 0; pools without {@code
 *       serviceAllocation} come last. That order becomes HeraldLB's {@code priority}: set
 *       priorities are kept, the unset ones get the largest set priority + 1, pools without {@code
 *       serviceAllocation} + 2. Ties go by name (MetalLB leaves them to chance).
 *   <li>{@code namespaces}, {@code namespaceSelectors} and {@code serviceSelectors} restrict a pool
 *       to the Services they match, also when the Service names the pool.
 *   <li>A pool is announced from the nodes of every {@code L2Advertisement} that covers it (by
 *       name, by {@code ipAddressPoolSelectors}, or by naming no pool at all), on their {@code
 *       interfaces}; a pool none covers is assigned from but not announced.
 *   <li>Services of any namespaces may share an IP with the same {@code allow-shared-ip} key.
 * </ul>
 *
 * BGP objects are left alone with one note: HeraldLB announces with layer 2 only. Every error names
 * the object and the field.
 */
final class MetalLbPools {
  static final String GROUP = "metallb.io";
  static final Set<String> BGP_KINDS =
      Set.of("BGPAdvertisement", "BGPPeer", "BFDProfile", "Community");
  private static final Set<String> POOL_FIELDS =
      Set.of("addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation");
  private static final Set<String> ALLOCATION_FIELDS =
      Set.of("priority", "namespaces", "namespaceSelectors", "serviceSelectors");
  private static final Set<String> ADVERTISEMENT_FIELDS =
      Set.of(
          "ipAddressPools",
          "ipAddressPoolSelectors",
          "nodeSelectors",
          "interfaces",
          "serviceSelectors",
          "preferredNodeSelectors");

  private MetalLbPools() {}

  /** A pool object as read, with what the advertisements and the ordering need. */
  private record Read(PoolDraft draft, Map<String, String> labels, boolean pinned, int priority) {}

  /**
   * @param objects decoded objects (from the API or a manifest); other kinds are skipped
   * @param namespace MetalLB's namespace: objects elsewhere are skipped, as MetalLB does
   */
  static List<PoolDraft> read(
      List<? extends Map<?, ?>> objects, String namespace, Errors errors, List<String> notes) {
    List<Read> pools = new ArrayList<>();
    List<Map<?, ?>> advertisements = new ArrayList<>();
    Set<String> bgp = new TreeSet<>();
    Set<String> elsewhere = new TreeSet<>();
    for (Map<?, ?> o : objects) {
      String kind = String.valueOf(o.get("kind"));
      if (!isMetalLb(o)) {
        continue;
      }
      String ns = metadata(o, "namespace");
      if (ns != null && !ns.equals(namespace)) {
        elsewhere.add(kind + " " + ns + "/" + metadata(o, "name"));
        continue;
      }
      switch (kind) {
        case "IPAddressPool" -> {
          Read r = pool(o, errors);
          if (r != null) {
            pools.add(r);
          }
        }
        case "L2Advertisement" -> advertisements.add(o);
        default -> {
          if (BGP_KINDS.contains(kind)) {
            bgp.add(kind + " " + metadata(o, "name"));
          }
        }
      }
    }
    if (!bgp.isEmpty()) {
      notes.add(
          "ignored "
              + String.join(", ", bgp)
              + ": HeraldLB announces with layer 2 only, BGP objects have no effect");
    }
    if (!elsewhere.isEmpty()) {
      notes.add(
          "ignored "
              + String.join(", ", elsewhere)
              + ": MetalLB's objects are read from the namespace "
              + namespace
              + " only");
    }
    Map<String, List<Advertisement>> covering = new LinkedHashMap<>();
    pools.forEach(r -> covering.put(r.draft.name, new ArrayList<>()));
    for (Map<?, ?> o : advertisements) {
      advertisement(o, pools, covering, errors, notes);
    }
    int highest = 0;
    for (Read r : pools) {
      if (r.pinned) {
        highest = Math.max(highest, r.priority);
      }
    }
    List<PoolDraft> out = new ArrayList<>();
    for (Read r : pools) {
      PoolDraft d = r.draft;
      d.priority = !r.pinned ? highest + 2 : r.priority > 0 ? r.priority : highest + 1;
      List<Advertisement> advertised = covering.getOrDefault(d.name, List.of());
      d.advertisements = advertised;
      if (advertised.isEmpty()) {
        notes.add(
            "IPAddressPool "
                + d.name
                + ": no L2Advertisement covers it, so its addresses are assigned but not announced");
      }
      out.add(d);
    }
    return out;
  }

  static boolean isMetalLb(Map<?, ?> o) {
    return o.get("apiVersion") instanceof String v && v.startsWith(GROUP + "/");
  }

  private static @Nullable Read pool(Map<?, ?> o, Errors errors) {
    String name = metadata(o, "name");
    String at = "IPAddressPool/" + (name == null ? "?" : name);
    if (name == null || Names.checkDnsSubdomain(name) != null) {
      errors.add(at, "metadata.name: missing or not a valid name");
      return null;
    }
    PoolDraft d = new PoolDraft(at + " spec", name);
    // MetalLB shares an IP between Services of any namespaces that use the same key.
    d.crossNamespaceSharing = true;
    Map<?, ?> spec = object(o.get("spec"), at + " spec", errors);
    if (spec == null) {
      return new Read(d, labels(o), false, 0);
    }
    unknown(spec, POOL_FIELDS, at + " spec", errors);
    List<String> addresses = strings(spec.get("addresses"), at + " spec.addresses", errors);
    for (int i = 0; i < addresses.size(); i++) {
      HoconPools.addRange(d, at + " spec.addresses[" + i + "]", addresses.get(i), errors);
    }
    d.autoAssign = bool(spec.get("autoAssign"), true, at + " spec.autoAssign", errors);
    d.avoidBuggyIps = bool(spec.get("avoidBuggyIPs"), false, at + " spec.avoidBuggyIPs", errors);
    Object allocation = spec.get("serviceAllocation");
    if (allocation == null) {
      return new Read(d, labels(o), false, 0);
    }
    String sa = at + " spec.serviceAllocation";
    Map<?, ?> a = object(allocation, sa, errors);
    int priority = 0;
    if (a != null) {
      unknown(a, ALLOCATION_FIELDS, sa, errors);
      priority = priority(a.get("priority"), sa + ".priority", errors);
      List<String> namespaces = strings(a.get("namespaces"), sa + ".namespaces", errors);
      for (int i = 0; i < namespaces.size(); i++) {
        HoconPools.addNamespace(d, sa + ".namespaces[" + i + "]", namespaces.get(i), errors);
      }
      d.namespaceSelectors.addAll(
          selectors(a.get("namespaceSelectors"), sa + ".namespaceSelectors", errors));
      d.serviceSelectors.addAll(
          selectors(a.get("serviceSelectors"), sa + ".serviceSelectors", errors));
    }
    return new Read(d, labels(o), true, priority);
  }

  private static void advertisement(
      Map<?, ?> o,
      List<Read> pools,
      Map<String, List<Advertisement>> covering,
      Errors errors,
      List<String> notes) {
    String name = metadata(o, "name");
    String at = "L2Advertisement/" + (name == null ? "?" : name);
    Map<?, ?> spec = o.get("spec") == null ? Map.of() : object(o.get("spec"), at + " spec", errors);
    if (spec == null) {
      return;
    }
    unknown(spec, ADVERTISEMENT_FIELDS, at + " spec", errors);
    List<String> named = strings(spec.get("ipAddressPools"), at + " spec.ipAddressPools", errors);
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < named.size(); i++) {
      if (!seen.add(named.get(i))) {
        errors.add(
            at + " spec.ipAddressPools[" + i + "]", "pool '" + named.get(i) + "' is listed twice");
      }
    }
    List<LabelSelector> poolSelectors =
        selectors(spec.get("ipAddressPoolSelectors"), at + " spec.ipAddressPoolSelectors", errors);
    List<LabelSelector> nodes =
        selectors(spec.get("nodeSelectors"), at + " spec.nodeSelectors", errors);
    List<String> interfaces = new ArrayList<>();
    List<String> written = strings(spec.get("interfaces"), at + " spec.interfaces", errors);
    for (int i = 0; i < written.size(); i++) {
      HoconPools.addInterface(
          interfaces, at + " spec.interfaces[" + i + "]", written.get(i), errors);
    }
    if (!isEmpty(spec.get("serviceSelectors"))) {
      errors.add(
          at + " spec.serviceSelectors",
          "not supported by HeraldLB: announcing a pool's Services from different nodes by their"
              + " labels; split the pool instead");
    }
    if (!isEmpty(spec.get("preferredNodeSelectors"))) {
      notes.add(
          at
              + ": spec.preferredNodeSelectors is a preference HeraldLB does not follow; it elects"
              + " among the covered nodes by address alone");
    }
    for (String pool : seen) {
      if (!covering.containsKey(pool)) {
        notes.add(at + " names the IPAddressPool " + pool + ", which does not exist");
      }
    }
    Advertisement adv = new Advertisement(new LabelSelectors(nodes), interfaces);
    boolean all = named.isEmpty() && isEmpty(spec.get("ipAddressPoolSelectors"));
    for (Read r : pools) {
      boolean covers =
          all
              || seen.contains(r.draft.name)
              || new LabelSelectors(poolSelectors).matchesAny(r.labels);
      List<Advertisement> list = covering.get(r.draft.name);
      if (covers && list != null && !list.contains(adv)) {
        list.add(adv);
      }
    }
  }

  private static @Nullable String metadata(Map<?, ?> o, String field) {
    return o.get("metadata") instanceof Map<?, ?> m && m.get(field) instanceof String s ? s : null;
  }

  private static Map<String, String> labels(Map<?, ?> o) {
    Map<String, String> out = new LinkedHashMap<>();
    if (o.get("metadata") instanceof Map<?, ?> m && m.get("labels") instanceof Map<?, ?> l) {
      l.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }

  private static @Nullable Map<?, ?> object(@Nullable Object v, String at, Errors errors) {
    if (v instanceof Map<?, ?> m) {
      return m;
    }
    errors.add(at, "must be an object, not " + v);
    return null;
  }

  private static void unknown(Map<?, ?> m, Set<String> known, String at, Errors errors) {
    for (Object k : m.keySet()) {
      if (!known.contains(String.valueOf(k))) {
        errors.add(
            at + "." + k, "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  private static List<String> strings(@Nullable Object v, String at, Errors errors) {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      errors.add(at, "must be a list of strings");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) instanceof String s) {
        out.add(s);
      } else {
        errors.add(at + "[" + i + "]", "must be a string, not " + list.get(i));
      }
    }
    return out;
  }

  private static boolean bool(@Nullable Object v, boolean dflt, String at, Errors errors) {
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    errors.add(at, "must be true or false, not " + v);
    return dflt;
  }

  /** MetalLB's priority: 1 is first; unset or 0 is after every set one. */
  private static int priority(@Nullable Object v, String at, Errors errors) {
    if (v == null) {
      return 0;
    }
    long max = ConfigParser.MAX_PRIORITY - 2;
    if ((v instanceof Integer || v instanceof Long)
        && ((Number) v).longValue() >= 0
        && ((Number) v).longValue() <= max) {
      return ((Number) v).intValue();
    }
    errors.add(at, "must be a whole number from 0 to " + max + ", not " + v);
    return 0;
  }

  /** A list of Kubernetes label selectors ({@code matchLabels}, {@code matchExpressions}). */
  private static List<LabelSelector> selectors(@Nullable Object v, String at, Errors errors) {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      errors.add(at, "must be a list of label selectors");
      return List.of();
    }
    List<LabelSelector> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      LabelSelector s = selector(list.get(i), at + "[" + i + "]", errors);
      if (s != null) {
        if (out.contains(s)) {
          errors.add(at + "[" + i + "]", "the same selector is listed twice");
        }
        out.add(s);
      }
    }
    return out;
  }

  private static @Nullable LabelSelector selector(@Nullable Object v, String at, Errors errors) {
    Map<?, ?> m = object(v, at, errors);
    if (m == null) {
      return null;
    }
    unknown(m, Set.of("matchLabels", "matchExpressions"), at, errors);
    int before = errors.count();
    SelectorDraft d = new SelectorDraft();
    if (m.get("matchLabels") != null) {
      Map<?, ?> labels = object(m.get("matchLabels"), at + ".matchLabels", errors);
      if (labels != null) {
        labels.forEach(
            (k, val) ->
                HoconPools.addLabel(
                    at + ".matchLabels." + k,
                    String.valueOf(k),
                    val == null ? "" : String.valueOf(val),
                    errors,
                    d.labels));
      }
    }
    Object expressions = m.get("matchExpressions");
    if (expressions != null && !(expressions instanceof List<?>)) {
      errors.add(at + ".matchExpressions", "must be a list of { key, operator, values }");
    } else if (expressions instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        requirement(list.get(i), at + ".matchExpressions[" + i + "]", errors, d);
      }
    }
    return errors.count() == before ? d.build() : null;
  }

  private static void requirement(
      @Nullable Object v, String at, Errors errors, SelectorDraft into) {
    Map<?, ?> m = object(v, at, errors);
    if (m == null) {
      return;
    }
    unknown(m, Set.of("key", "operator", "values"), at, errors);
    if (!(m.get("key") instanceof String key)) {
      errors.add(at + ".key", "must be a label key (a string)");
      return;
    }
    LabelSelector.Operator op =
        m.get("operator") instanceof String s ? LabelSelector.Operator.fromKubernetesName(s) : null;
    if (op == null) {
      errors.add(
          at + ".operator",
          "must be one of In, NotIn, Exists, DoesNotExist, not " + m.get("operator"));
      return;
    }
    int before = errors.count();
    List<String> values = strings(m.get("values"), at + ".values", errors);
    if (errors.count() != before) {
      return;
    }
    LabelSelector.Requirement r = new LabelSelector.Requirement(key, op, values);
    String problem = r.check();
    if (problem != null) {
      errors.add(at, "bad selector: " + problem);
    } else {
      into.expressions.add(r);
    }
  }

  private static boolean isEmpty(@Nullable Object v) {
    return v == null || (v instanceof List<?> l && l.isEmpty());
  }
}
