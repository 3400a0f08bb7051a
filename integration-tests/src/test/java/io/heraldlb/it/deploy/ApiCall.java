package io.heraldlb.it.deploy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request to the API server as RBAC sees it: API group, resource (with {@code /subresource}),
 * verb, namespace ({@code null}: cluster-scoped, or across all namespaces) and object name ({@code
 * null} when the request names none). A {@code metadata.name} field selector names the object of a
 * list or watch, as it does for the real authorizer.
 */
record ApiCall(String group, String resource, String verb, String namespace, String name) {

  /** A request for a path outside /api and /apis (discovery, /version). */
  static final String NON_RESOURCE = "<non-resource>";

  /** Maps an HTTP method and request path (with query) to the RBAC request attributes. */
  static ApiCall of(String method, String pathAndQuery) {
    String[] split = pathAndQuery.split("\\?", 2);
    Map<String, String> query = split.length == 2 ? query(split[1]) : Map.of();
    List<String> segments = Arrays.stream(split[0].split("/")).filter(s -> !s.isEmpty()).toList();
    int rest;
    String group;
    if (segments.size() >= 2 && segments.get(0).equals("api")) {
      group = "";
      rest = 2;
    } else if (segments.size() >= 3 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      rest = 3;
    } else {
      return new ApiCall(
          NON_RESOURCE, split[0], method.toLowerCase(java.util.Locale.ROOT), null, null);
    }
    List<String> r = segments.subList(rest, segments.size());
    String namespace = null;
    if (r.size() >= 3 && r.get(0).equals("namespaces")) {
      namespace = r.get(1);
      r = r.subList(2, r.size());
    }
    if (r.isEmpty()) {
      return new ApiCall(
          NON_RESOURCE, split[0], method.toLowerCase(java.util.Locale.ROOT), null, null);
    }
    String resource = r.get(0) + (r.size() >= 3 ? "/" + r.get(2) : "");
    String name = r.size() >= 2 ? r.get(1) : null;
    if (name == null) {
      String selector = query.getOrDefault("fieldSelector", "");
      if (selector.startsWith("metadata.name=") && !selector.contains(",")) {
        name = selector.substring("metadata.name=".length());
      }
    }
    boolean named = r.size() >= 2;
    String verb =
        switch (method) {
          case "GET" -> {
            if ("true".equals(query.get("watch")) || "1".equals(query.get("watch"))) {
              yield "watch";
            }
            yield named ? "get" : "list";
          }
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> method.toLowerCase(java.util.Locale.ROOT);
        };
    return new ApiCall(group, resource, verb, namespace, name);
  }

  private static Map<String, String> query(String query) {
    Map<String, String> out = new HashMap<>();
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return verb
        + " "
        + (group.isEmpty() ? "core" : group)
        + "/"
        + resource
        + (namespace == null ? " (cluster-wide)" : " in " + namespace)
        + (name == null ? "" : " name=" + name);
  }
}
