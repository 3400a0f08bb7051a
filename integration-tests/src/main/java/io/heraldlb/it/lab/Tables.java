package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Server-side printing for Services: {@code kubectl get svc} asks for a Table and, from a server
 * that has none (the mock), would show only NAME and AGE. Here it gets the columns a real API
 * server sends: NAME, TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), AGE.
 */
final class Tables {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private Tables() {}

  /** A GET of Services (list or one, not a watch) whose client asked for a Table. */
  static boolean wanted(RecordedRequest request, String path) {
    String accept = request.getHeader("Accept");
    String query = request.getPath() == null ? "" : request.getPath();
    return accept != null
        && accept.contains("as=Table")
        && "GET".equals(request.getMethod())
        && !query.contains("watch=")
        && path.matches("/api/v1/(namespaces/[^/]+/)?services(/[^/]+)?");
  }

  /** The CRUD answer turned into a Table; anything unexpected is passed on unchanged. */
  static MockResponse services(MockResponse answer) {
    if (answer.code() != 200 || answer.getBody() == null) {
      return answer;
    }
    String body = answer.getBody().readUtf8();
    List<Service> services;
    try {
      KubernetesResource resource = JSON.unmarshal(body);
      if (resource instanceof ServiceList list) {
        services = list.getItems();
      } else if (resource instanceof KubernetesList list
          && list.getItems().stream().allMatch(Service.class::isInstance)) {
        // The mock answers a list of Services as a plain "List".
        services = list.getItems().stream().map(Service.class::cast).toList();
      } else if (resource instanceof Service one) {
        services = List.of(one);
      } else {
        return answer.setBody(body);
      }
    } catch (RuntimeException e) {
      return answer.setBody(body);
    }
    return answer
        .setBody(JSON.asJson(table(services)))
        .setHeader("Content-Type", "application/json");
  }

  private static Map<String, Object> table(List<Service> services) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Service s : services) {
      Map<String, Object> object = new LinkedHashMap<>();
      object.put("kind", "PartialObjectMetadata");
      object.put("apiVersion", "meta.k8s.io/v1");
      object.put("metadata", s.getMetadata());
      rows.add(
          Map.of(
              "cells",
              List.of(
                  s.getMetadata().getName(),
                  s.getSpec().getType(),
                  ServiceTable.orNone(s.getSpec().getClusterIP()),
                  ServiceTable.externalIp(s),
                  ServiceTable.ports(s),
                  age(s.getMetadata().getCreationTimestamp())),
              "object",
              object));
    }
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.put("metadata", Map.of());
    table.put(
        "columnDefinitions",
        List.of(
            column("Name", "name"),
            column("Type", ""),
            column("Cluster-IP", ""),
            column("External-IP", ""),
            column("Port(s)", ""),
            column("Age", "")));
    table.put("rows", rows);
    return table;
  }

  private static Map<String, Object> column(String name, String format) {
    return Map.of(
        "name", name, "type", "string", "format", format, "description", name, "priority", 0);
  }

  /** As kubectl prints ages: 45s, 3m, 5h, 2d. */
  static String age(String creationTimestamp) {
    if (creationTimestamp == null) {
      return "<unknown>";
    }
    try {
      Duration d = Duration.between(Instant.parse(creationTimestamp), Instant.now());
      long s = Math.max(0, d.getSeconds());
      return s < 120
          ? s + "s"
          : s < 7200 ? s / 60 + "m" : s < 172_800 ? s / 3600 + "h" : s / 86_400 + "d";
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
  }
}
