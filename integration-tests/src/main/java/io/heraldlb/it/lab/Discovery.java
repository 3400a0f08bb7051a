package io.heraldlb.it.lab;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The lab API server's request handling: CRUD for objects, plus the discovery documents a user's
 * {@code kubectl} needs (the mock server has none). Only the kinds HeraldLB and the examples use.
 */
final class Discovery extends Dispatcher {
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

  private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
  private final Map<String, String> documents = new HashMap<>();

  Discovery() {
    register();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath() == null ? "" : request.getPath().split("\\?", 2)[0];
    String document = "GET".equals(request.getMethod()) ? documents.get(path) : null;
    if (document == null) {
      if (Tables.wanted(request, path)) {
        return Tables.services(crud.dispatch(request));
      }
      if (FieldSelectors.applies(request, path)) {
        return FieldSelectors.dispatch(request, crud::dispatch);
      }
      MockResponse answer = crud.dispatch(request);
      String full = request.getPath() == null ? "" : request.getPath();
      // Without a content type, kubectl (which asks for protobuf first) cannot read the JSON.
      return full.contains("watch=")
          ? answer
          : answer.setHeader("Content-Type", "application/json");
    }
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(document);
  }

  /**
   * The CRUD dispatcher's open watches. It does not expose them, and the lab needs the number: a
   * change sent to a watch whose connection is closing stalls the server for about 30 s.
   */
  int watchCount() {
    try {
      java.lang.reflect.Field field =
          KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
      field.setAccessible(true);
      return ((java.util.Collection<?>) field.get(crud)).size();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new LabException("cannot count the API server's watches: " + e, e);
    }
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }

  private void register() {
    answer(
        "/version",
        "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-heraldlb-lab\","
            + "\"platform\":\"linux/amd64\"}");
    answer("/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}");
    answer("/api/v1", resourceList("v1", CORE));
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
        "/apis", "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + groups + "]}");
    for (Group g : GROUPS) {
      String gv = g.name() + "/" + g.version();
      answer("/apis/" + gv, resourceList(gv, g.kinds()));
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

  private void answer(String path, String json) {
    documents.put(path, json);
  }
}
