package io.heraldlb.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The request-to-RBAC mapping and the rule evaluation the coverage test relies on. */
class ApiCallTest {
  @Test
  void mapsMethodsAndPathsToRbacVerbsResourcesAndNames() {
    assertEquals(
        new ApiCall("", "services", "list", null, null), ApiCall.of("GET", "/api/v1/services"));
    assertEquals(
        new ApiCall("", "services", "watch", null, null),
        ApiCall.of("GET", "/api/v1/services?allowWatchBookmarks=true&watch=true"));
    assertEquals(
        new ApiCall("", "configmaps", "list", "ns", "cfg"),
        ApiCall.of("GET", "/api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name%3Dcfg"));
    assertEquals(
        new ApiCall("", "services/status", "update", "default", "web"),
        ApiCall.of("PUT", "/api/v1/namespaces/default/services/web/status"));
    assertEquals(
        new ApiCall("coordination.k8s.io", "leases", "patch", "ns", "l"),
        ApiCall.of("PATCH", "/apis/coordination.k8s.io/v1/namespaces/ns/leases/l"));
    assertEquals(
        new ApiCall("", "events", "create", "default", null),
        ApiCall.of("POST", "/api/v1/namespaces/default/events"));
    assertEquals(
        new ApiCall("", "nodes", "get", null, "node-a"), ApiCall.of("GET", "/api/v1/nodes/node-a"));
    assertEquals(
        new ApiCall("", "namespaces", "get", null, "default"),
        ApiCall.of("GET", "/api/v1/namespaces/default"));
    assertEquals(ApiCall.NON_RESOURCE, ApiCall.of("GET", "/version").group());
  }

  private static final List<Map<String, Object>> MANIFESTS =
      List.of(
          Map.of(
              "kind", "Role",
              "metadata", Map.of("name", "r", "namespace", "ns"),
              "rules",
                  List.of(
                      Map.of(
                          "apiGroups", List.of(""),
                          "resources", List.of("configmaps"),
                          "resourceNames", List.of("cfg"),
                          "verbs", List.of("list", "watch")))),
          Map.of(
              "kind", "RoleBinding",
              "metadata", Map.of("name", "r", "namespace", "ns"),
              "roleRef", Map.of("kind", "Role", "name", "r"),
              "subjects",
                  List.of(Map.of("kind", "ServiceAccount", "name", "sa", "namespace", "ns"))),
          Map.of(
              "kind", "ClusterRole",
              "metadata", Map.of("name", "c"),
              "rules",
                  List.of(
                      Map.of(
                          "apiGroups", List.of(""),
                          "resources", List.of("events"),
                          "verbs", List.of("create")))),
          Map.of(
              "kind", "ClusterRoleBinding",
              "metadata", Map.of("name", "c"),
              "roleRef", Map.of("kind", "ClusterRole", "name", "c"),
              "subjects",
                  List.of(Map.of("kind", "ServiceAccount", "name", "sa", "namespace", "ns"))));

  @Test
  void aRoleGrantsOnlyInItsNamespaceAndOnlyTheNamedObjects() {
    Rbac rbac = new Rbac(MANIFESTS);
    assertEquals(Set.of("ns/sa"), rbac.subjects());
    assertTrue(rbac.allows("ns/sa", new ApiCall("", "configmaps", "watch", "ns", "cfg")));
    assertFalse(rbac.allows("ns/sa", new ApiCall("", "configmaps", "watch", "ns", null)));
    assertFalse(rbac.allows("ns/sa", new ApiCall("", "configmaps", "watch", "other", "cfg")));
    assertFalse(rbac.allows("ns/sa", new ApiCall("", "configmaps", "get", "ns", "cfg")));
    assertFalse(rbac.allows("ns/other", new ApiCall("", "configmaps", "watch", "ns", "cfg")));
  }

  @Test
  void aClusterRoleBindingGrantsInEveryNamespace() {
    Rbac rbac = new Rbac(MANIFESTS);
    assertTrue(rbac.allows("ns/sa", new ApiCall("", "events", "create", "default", null)));
    assertFalse(rbac.allows("ns/sa", new ApiCall("", "events", "patch", "default", "e")));
    assertFalse(rbac.allows("ns/sa", new ApiCall("events.k8s.io", "events", "create", "x", null)));
  }

  @Test
  void imagesAreRewrittenByNameOnly() {
    Map<String, Object> entry = Map.of("name", "heraldlb/speaker", "newTag", "1.2");
    assertEquals("heraldlb/speaker:1.2", Kustomization.rewrite("heraldlb/speaker", entry));
    assertEquals("heraldlb/speaker:1.2", Kustomization.rewrite("heraldlb/speaker:old", entry));
    assertEquals("heraldlb/allocator", Kustomization.rewrite("heraldlb/allocator", entry));
    assertEquals(
        "reg:5000/heraldlb/speaker:1.2",
        Kustomization.rewrite(
            "heraldlb/speaker",
            Map.of(
                "name",
                "heraldlb/speaker",
                "newName",
                "reg:5000/heraldlb/speaker",
                "newTag",
                "1.2")));
  }
}
