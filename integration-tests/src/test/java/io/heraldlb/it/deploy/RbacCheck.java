package io.heraldlb.it.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * deploy/'s RBAC checked against the calls a program made, in both directions: every call is
 * granted, and every grant was used by a call — cluster-wide only where needed, limited to names
 * where it can be.
 */
final class RbacCheck {
  static final String NS = "heraldlb-system";

  /**
   * Grants no run exercises, each with the reason it is still needed. Keyed by ServiceAccount, verb
   * and resource as in {@link #key}. Keep this short: every entry is a permission the tests cannot
   * vouch for.
   */
  private static final Map<String, String> UNEXERCISED = Map.of();

  private RbacCheck() {}

  /** Fails, naming every problem, unless {@code calls} and {@code sa}'s grants match. */
  static void check(Rbac rbac, String sa, List<ApiCall> calls) {
    Map<String, Long> summary =
        calls.stream()
            .collect(Collectors.groupingBy(ApiCall::toString, TreeMap::new, Collectors.counting()));
    System.out.println("recorded for " + sa + ":");
    summary.forEach((call, n) -> System.out.printf("  %4d  %s%n", n, call));

    List<String> problems = new ArrayList<>();
    calls.stream()
        .filter(c -> c.group().equals(ApiCall.NON_RESOURCE) && !discovery(c))
        .distinct()
        .forEach(c -> problems.add("non-resource request, not granted: " + c));
    calls.stream()
        .filter(c -> !c.group().equals(ApiCall.NON_RESOURCE) && !rbac.allows(sa, c))
        .map(ApiCall::toString)
        .distinct()
        .forEach(c -> problems.add("not granted: " + c));
    for (Rbac.Grant g : rbac.grants(sa)) {
      List<ApiCall> uses = calls.stream().filter(g::allows).toList();
      if (uses.isEmpty()) {
        if (!UNEXERCISED.containsKey(key(sa, g))) {
          problems.add("granted but never used: " + g);
        }
        continue;
      }
      if (g.scope() == null && uses.stream().allMatch(c -> NS.equals(c.namespace()))) {
        problems.add("cluster-wide, but only used in " + NS + " (make it a Role): " + g);
      }
      Set<String> names =
          uses.stream().map(c -> String.valueOf(c.name())).collect(Collectors.toSet());
      if (g.resourceNames().isEmpty()
          && !g.verb().equals("create")
          && uses.stream().allMatch(c -> NS.equals(c.namespace()) && c.name() != null)
          && names.size() == 1) {
        problems.add("only ever used on " + names + " (add resourceNames): " + g);
      }
    }
    if (!problems.isEmpty()) {
      fail(sa + ":\n  " + String.join("\n  ", problems));
    }
  }

  /**
   * API discovery ({@code GET /apis/metallb.io/v1beta1}: is a group served?), which Kubernetes
   * grants every authenticated user through its default ClusterRole {@code system:discovery}.
   */
  static boolean discovery(ApiCall c) {
    return c.verb().equals("get") && c.resource().matches("/apis?(/[^/]+){0,2}/?");
  }

  private static String key(String sa, Rbac.Grant g) {
    return sa
        + " "
        + g.verb()
        + " "
        + (g.group().isEmpty() ? "core" : g.group())
        + "/"
        + g.resource();
  }
}
