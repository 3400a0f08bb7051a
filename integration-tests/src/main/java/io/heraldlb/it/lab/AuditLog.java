package io.heraldlb.it.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The real API server's audit log of HeraldLB's own requests (the control plane's policy records
 * the ServiceAccounts of {@code heraldlb-system} only), with the RBAC authorizer's decision on
 * each.
 */
public final class AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One request, at its last recorded stage.
   *
   * @param user e.g. {@code system:serviceaccount:heraldlb-system:heraldlb-speaker}
   * @param resource with the subresource, e.g. {@code services/status}
   * @param namespace null for cluster-scoped requests
   * @param name null for collections
   * @param allowed the authorizer's decision
   * @param code the HTTP status (0 while a watch still runs)
   */
  public record Request(
      String user,
      String verb,
      String group,
      String resource,
      String namespace,
      String name,
      boolean allowed,
      int code,
      Instant received) {
    boolean sameAsAllowed(Request later) {
      return later.allowed()
          && later.user.equals(user)
          && later.verb.equals(verb)
          && later.group.equals(group)
          && later.resource.equals(resource)
          && java.util.Objects.equals(later.namespace, namespace)
          && java.util.Objects.equals(later.name, name);
    }

    @Override
    public String toString() {
      return user
          + " "
          + verb
          + " "
          + (group.isEmpty() ? "core" : group)
          + "/"
          + resource
          + (namespace == null ? "" : " in " + namespace)
          + (name == null ? "" : " name=" + name)
          + (allowed ? "" : " FORBIDDEN")
          + (code == 0 ? "" : " -> " + code);
    }
  }

  private AuditLog() {}

  /** Every resource request in {@code file}, one per audit ID (the last stage wins). */
  public static List<Request> read(Path file) {
    Map<String, Request> byId = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        JsonNode object = event.path("objectRef");
        if (object.isMissingNode()) {
          continue; // a non-resource URL (/version, /healthz)
        }
        String resource = object.path("resource").asString();
        if (object.hasNonNull("subresource")) {
          resource += "/" + object.path("subresource").asString();
        }
        byId.put(
            event.path("auditID").asString(),
            new Request(
                event.path("user").path("username").asString(),
                event.path("verb").asString(),
                object.path("apiGroup").asString(""),
                resource,
                object.hasNonNull("namespace") ? object.path("namespace").asString() : null,
                object.hasNonNull("name") ? object.path("name").asString() : null,
                !"forbid"
                    .equals(
                        event.path("annotations").path("authorization.k8s.io/decision").asString()),
                event.path("responseStatus").path("code").asInt(0),
                Instant.parse(event.path("requestReceivedTimestamp").asString())));
      }
    } catch (IOException | RuntimeException e) {
      throw new LabException("cannot read the audit log " + file + ": " + e.getMessage(), e);
    }
    return new ArrayList<>(byId.values());
  }

  /** The requests the authorizer refused. */
  public static List<Request> forbidden(Path file) {
    return read(file).stream().filter(r -> !r.allowed()).toList();
  }

  /**
   * The refused requests that no grant covers: refused, and never allowed later to the same user
   * for the same verb, resource, namespace and name. A freshly (re)started API server refuses
   * everything for a moment, until its RBAC caches have synced; those refusals are followed by the
   * same request allowed, and are not missing grants.
   */
  public static List<Request> refusedForGood(Path file) {
    List<Request> all = read(file);
    List<Request> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Request r = all.get(i);
      if (!r.allowed() && all.subList(i + 1, all.size()).stream().noneMatch(r::sameAsAllowed)) {
        out.add(r);
      }
    }
    return out;
  }
}
