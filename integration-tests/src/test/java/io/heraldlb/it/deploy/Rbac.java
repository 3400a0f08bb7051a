package io.heraldlb.it.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The permissions a set of manifests gives each ServiceAccount, evaluated the way the API server's
 * RBAC authorizer does for resource requests: a ClusterRoleBinding grants its ClusterRole's rules
 * everywhere, a RoleBinding grants its Role's (or a ClusterRole's) rules in its namespace only.
 */
final class Rbac {
  /**
   * One (apiGroup, resource, verb) of one rule, as bound to one ServiceAccount.
   *
   * @param scope the namespace the grant holds in; {@code null}: everywhere
   * @param resourceNames empty: any object
   * @param source the Role or ClusterRole it comes from, for messages
   */
  record Grant(
      String scope,
      String group,
      String resource,
      String verb,
      Set<String> resourceNames,
      String source) {

    boolean allows(ApiCall call) {
      if (scope != null && !scope.equals(call.namespace())) {
        return false;
      }
      return matches(group, call.group())
          && matches(resource, call.resource())
          && matches(verb, call.verb())
          && (resourceNames.isEmpty()
              || (call.name() != null && resourceNames.contains(call.name())));
    }

    private static boolean matches(String granted, String asked) {
      return granted.equals("*") || granted.equals(asked);
    }

    @Override
    public String toString() {
      return verb
          + " "
          + (group.isEmpty() ? "core" : group)
          + "/"
          + resource
          + (scope == null ? " (cluster-wide)" : " in " + scope)
          + (resourceNames.isEmpty() ? "" : " names=" + resourceNames)
          + " from "
          + source;
    }
  }

  private final Map<String, List<Grant>> bySubject = new HashMap<>();

  /** Reads every Role, ClusterRole and binding among {@code objects}. */
  Rbac(List<Map<String, Object>> objects) {
    Map<String, List<Map<String, Object>>> roles = new HashMap<>();
    for (Map<String, Object> o : objects) {
      String kind = Yaml.string(o, "kind");
      if (kind.equals("Role") || kind.equals("ClusterRole")) {
        roles.put(roleKey(kind, Yaml.namespace(o), Yaml.name(o)), Yaml.list(o, "rules"));
      }
    }
    for (Map<String, Object> o : objects) {
      String kind = Yaml.string(o, "kind");
      if (!kind.equals("RoleBinding") && !kind.equals("ClusterRoleBinding")) {
        continue;
      }
      Map<String, Object> ref = Yaml.map(o, "roleRef");
      String refKind = Yaml.string(ref, "kind");
      String scope = kind.equals("RoleBinding") ? Yaml.namespace(o) : null;
      String key =
          roleKey(
              refKind, refKind.equals("Role") ? Yaml.namespace(o) : null, Yaml.string(ref, "name"));
      List<Map<String, Object>> rules = roles.get(key);
      if (rules == null) {
        throw new IllegalStateException(kind + " " + Yaml.name(o) + " refers to missing " + key);
      }
      for (Map<String, Object> subject : Yaml.list(o, "subjects")) {
        if (!"ServiceAccount".equals(subject.get("kind"))) {
          throw new IllegalStateException(
              kind + " " + Yaml.name(o) + " binds a non-ServiceAccount");
        }
        String sa = subject.get("namespace") + "/" + subject.get("name");
        List<Grant> grants = bySubject.computeIfAbsent(sa, k -> new ArrayList<>());
        for (Map<String, Object> rule : rules) {
          if (rule.containsKey("nonResourceURLs")) {
            throw new IllegalStateException(key + " grants nonResourceURLs");
          }
          for (String g : Yaml.strings(rule, "apiGroups")) {
            for (String r : Yaml.strings(rule, "resources")) {
              for (String v : Yaml.strings(rule, "verbs")) {
                grants.add(
                    new Grant(
                        scope, g, r, v, Set.copyOf(Yaml.strings(rule, "resourceNames")), key));
              }
            }
          }
        }
      }
    }
  }

  private static String roleKey(String kind, String namespace, String name) {
    return kind + " " + (kind.equals("Role") ? namespace + "/" : "") + name;
  }

  /** Everything {@code serviceAccount} ({@code namespace/name}) is granted. */
  List<Grant> grants(String serviceAccount) {
    return bySubject.getOrDefault(serviceAccount, List.of());
  }

  Set<String> subjects() {
    return bySubject.keySet();
  }

  boolean allows(String serviceAccount, ApiCall call) {
    return grants(serviceAccount).stream().anyMatch(g -> g.allows(call));
  }
}
