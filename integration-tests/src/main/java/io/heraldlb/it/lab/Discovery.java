package io.heraldlb.it.lab;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.stream.Collectors;

/**
 * API discovery documents for the lab's API server, so a user's {@code kubectl} can talk to it (the
 * mock server serves objects but no discovery). Only the kinds HeraldLB and the examples use.
 */
final class Discovery {
  private record Kind(String plural, String kind, boolean namespaced, String shortName) {}

  private record Group(String name, String version, List<Kind> kinds) {}

  private static final List<Kind> CORE =
      List.of(
          new Kind("services", "Service", true, "svc"),
          new Kind("pods", "Pod", true, "po"),
          new Kind("configmaps", "ConfigMap", true, "cm"),
          new Kind("events", "Event", true, "ev"),
          new Kind("endpoints", "Endpoints", true, "ep"),
          new Kind("namespaces", "Namespace", false, "ns"),
          new Kind("nodes", "Node", false, "no"));

  private static final List<Group> GROUPS =
      List.of(
          new Group("apps", "v1", List.of(new Kind("deployments", "Deployment", true, "deploy"))),
          new Group(
              "discovery.k8s.io",
              "v1",
              List.of(new Kind("endpointslices", "EndpointSlice", true, ""))),
          new Group("coordination.k8s.io", "v1", List.of(new Kind("leases", "Lease", true, ""))),
          new Group("events.k8s.io", "v1", List.of(new Kind("events", "Event", true, "ev"))));

  private Discovery() {}

  static void register(KubernetesMockServer server) {
    answer(server, "/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}");
    answer(server, "/api/v1", resourceList("v1", CORE));
    String groups =
        GROUPS.stream()
            .map(
                g -> {
                  String gv = "{\"groupVersion\":\"" + g.name() + "/" + g.version() + "\",";
                  String version = gv + "\"version\":\"" + g.version() + "\"}";
                  return "{\"name\":\""
                      + g.name()
                      + "\",\"versions\":["
                      + version
                      + "],\"preferredVersion\":"
                      + version
                      + "}";
                })
            .collect(Collectors.joining(","));
    answer(
        server,
        "/apis",
        "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + groups + "]}");
    for (Group g : GROUPS) {
      String gv = g.name() + "/" + g.version();
      answer(server, "/apis/" + gv, resourceList(gv, g.kinds()));
    }
  }

  private static String resourceList(String groupVersion, List<Kind> kinds) {
    String resources =
        kinds.stream()
            .map(
                k ->
                    "{\"name\":\""
                        + k.plural()
                        + "\",\"singularName\":\"\",\"namespaced\":"
                        + k.namespaced()
                        + ",\"kind\":\""
                        + k.kind()
                        + "\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\","
                        + "\"update\",\"watch\"]"
                        + (k.shortName().isEmpty()
                            ? ""
                            : ",\"shortNames\":[\"" + k.shortName() + "\"]")
                        + "}")
            .collect(Collectors.joining(","));
    return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\""
        + groupVersion
        + "\",\"resources\":["
        + resources
        + "]}";
  }

  private static void answer(KubernetesMockServer server, String path, String json) {
    server.expect().get().withPath(path).andReturn(200, json).always();
  }
}
