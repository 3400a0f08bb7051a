package io.heraldlb.allocator;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.heraldlb.allocator.ipam.ServiceKey;
import io.heraldlb.config.IpAddress;
import io.heraldlb.kube.LoadBalancerServices;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Writes Service statuses, then the pool annotation, through the {@link WriteQueue}, so the single
 * reconcile worker never waits for the API server. Per Service, at most one write is in flight and
 * only the newest wanted state is written: a newer one replaces one still waiting.
 */
final class StatusWriter {
  /** What a Service should show: its IPs (empty clears the status) and the pool they came from. */
  record Wanted(Service service, List<IpAddress> ips, @Nullable String pool) {}

  private final KubernetesClient client;
  private final WriteQueue queue;
  private final Map<ServiceKey, Wanted> waiting = new HashMap<>();
  private final Set<ServiceKey> busy = new HashSet<>();

  /** What was last written per Service, and the versions of it that write was based on or made. */
  private final Map<ServiceKey, Written> written = new HashMap<>();

  private record Written(List<IpAddress> ips, @Nullable String pool, Set<String> versions) {}

  private final BiConsumer<ServiceKey, Boolean> outcome;

  /**
   * @param outcome told, per key, whether a write succeeded ({@code true}) or failed
   */
  StatusWriter(KubernetesClient client, WriteQueue queue, BiConsumer<ServiceKey, Boolean> outcome) {
    this.client = client;
    this.queue = queue;
    this.outcome = outcome;
  }

  /** Whether the Service already shows {@code ips} (with ipMode VIP) and {@code pool}. */
  static boolean shows(Service s, List<IpAddress> ips, String pool) {
    String metalLb = annotation(s, ServiceFacts.METALLB_ALLOCATED_FROM);
    return statusShows(s, ips)
        && (ips.isEmpty() || Objects.equals(currentPool(s), pool))
        && (metalLb == null || metalLb.equals(ips.isEmpty() ? null : pool));
  }

  private static boolean statusShows(Service s, List<IpAddress> ips) {
    if (!LoadBalancerServices.ingressIps(s).equals(ips)) {
      return false;
    }
    if (s.getStatus() == null || s.getStatus().getLoadBalancer() == null) {
      return ips.isEmpty();
    }
    List<LoadBalancerIngress> ingress = s.getStatus().getLoadBalancer().getIngress();
    return ingress == null
        ? ips.isEmpty()
        : ingress.size() == ips.size()
            && ingress.stream().allMatch(i -> "VIP".equals(i.getIpMode()));
  }

  void submit(ServiceKey key, Wanted wanted) {
    synchronized (this) {
      if (alreadyWritten(key, wanted)) {
        return;
      }
      waiting.put(key, wanted);
      if (!busy.add(key)) {
        return;
      }
    }
    queue.execute(WriteQueue.Priority.STATUS, () -> writeStatus(key));
  }

  /** First phase: the status, which is what makes EXTERNAL-IP appear. */
  private void writeStatus(ServiceKey key) {
    Wanted wanted;
    synchronized (this) {
      wanted = waiting.remove(key);
      if (wanted == null || alreadyWritten(key, wanted)) {
        next(key);
        return;
      }
    }
    Service s = wanted.service();
    Set<String> versions = new HashSet<>();
    versions.add(s.getMetadata().getResourceVersion());
    try {
      if (!statusShows(s, wanted.ips())) {
        s =
            client
                .services()
                .inNamespace(s.getMetadata().getNamespace())
                // On the cached object, not by name: by name the client would GET it first,
                // which the allocator's role does not allow (and needs no round trip).
                .resource(s)
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON), statusPatch(s, wanted.ips()));
        versions.add(s.getMetadata().getResourceVersion());
      }
    } catch (RuntimeException e) {
      failed(key, e);
      return;
    }
    String pool = wanted.ips().isEmpty() ? null : wanted.pool();
    String metalLb = annotation(s, ServiceFacts.METALLB_ALLOCATED_FROM);
    if (Objects.equals(currentPool(s), pool) && (metalLb == null || metalLb.equals(pool))) {
      succeeded(key, wanted, versions);
    } else {
      Service current = s;
      queue.execute(
          WriteQueue.Priority.ANNOTATION, () -> writeAnnotation(key, wanted, current, versions));
    }
  }

  /**
   * Second phase: the pool annotation, one JSON merge patch (a null value removes it). MetalLB's
   * own annotation, on a Service MetalLB once served, is kept as true as HeraldLB's, for whatever
   * reads it.
   */
  private void writeAnnotation(ServiceKey key, Wanted wanted, Service s, Set<String> versions) {
    String pool = wanted.ips().isEmpty() ? null : wanted.pool();
    String value = pool == null ? "null" : "\"" + pool + "\"";
    String metalLb =
        annotation(s, ServiceFacts.METALLB_ALLOCATED_FROM) == null
            ? ""
            : ",\"" + ServiceFacts.METALLB_ALLOCATED_FROM + "\":" + value;
    try {
      // On the object just written, so that no GET precedes the patch.
      Service patched =
          client
              .services()
              .inNamespace(s.getMetadata().getNamespace())
              .resource(s)
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE),
                  "{\"metadata\":{\"annotations\":{\""
                      + ServiceFacts.ALLOCATED_FROM
                      + "\":"
                      + value
                      + metalLb
                      + "}}}");
      versions.add(patched.getMetadata().getResourceVersion());
    } catch (RuntimeException e) {
      failed(key, e);
      return;
    }
    succeeded(key, wanted, versions);
  }

  private void succeeded(ServiceKey key, Wanted wanted, Set<String> versions) {
    synchronized (this) {
      written.put(key, new Written(wanted.ips(), wanted.pool(), versions));
    }
    outcome.accept(key, true);
    next(key);
  }

  private void failed(ServiceKey key, RuntimeException e) {
    org.slf4j.LoggerFactory.getLogger(StatusWriter.class)
        .warn("status write for {} failed: {}", key, e.getMessage());
    outcome.accept(key, false);
    next(key);
  }

  /** Writes what was wanted meanwhile, or marks the key idle. */
  private void next(ServiceKey key) {
    synchronized (this) {
      if (!waiting.containsKey(key)) {
        busy.remove(key);
        return;
      }
    }
    queue.execute(WriteQueue.Priority.STATUS, () -> writeStatus(key));
  }

  /** Whether {@code wanted} is what was last written, based on a version of the Service we knew. */
  private boolean alreadyWritten(ServiceKey key, Wanted wanted) {
    Written last = written.get(key);
    // The cache may still show the Service as it was before (or during) our own write.
    return last != null
        && last.ips().equals(wanted.ips())
        && Objects.equals(last.pool(), wanted.pool())
        && last.versions().contains(wanted.service().getMetadata().getResourceVersion());
  }

  /** Whether a write for {@code key} is queued or in flight. */
  synchronized boolean busy(ServiceKey key) {
    return busy.contains(key);
  }

  /** Forgets what was written for a Service that is gone. */
  synchronized void forget(ServiceKey key) {
    written.remove(key);
  }

  /**
   * The status write as a JSON patch: {@code status.loadBalancer} replaced, on the version of the
   * Service it was decided on only (the {@code test} fails on a newer one, and the write is retried
   * on that). Not an update of the whole object, so the cache may keep less of each Service than
   * the API server holds (no managedFields), and status fields other writers own stay theirs.
   */
  private String statusPatch(Service s, List<IpAddress> ips) {
    List<Map<String, String>> ingress =
        ips.stream().map(ip -> Map.of("ip", ip.toString(), "ipMode", "VIP")).toList();
    List<Map<String, Object>> ops = new ArrayList<>();
    String version = s.getMetadata().getResourceVersion();
    if (version != null) {
      ops.add(Map.of("op", "test", "path", "/metadata/resourceVersion", "value", version));
    }
    Map<String, Object> loadBalancer = Map.of("ingress", ingress);
    ops.add(
        s.getStatus() == null
            ? Map.of("op", "add", "path", "/status", "value", Map.of("loadBalancer", loadBalancer))
            : Map.of("op", "add", "path", "/status/loadBalancer", "value", loadBalancer));
    return client.getKubernetesSerialization().asJson(ops);
  }

  private static @Nullable String currentPool(Service s) {
    return annotation(s, ServiceFacts.ALLOCATED_FROM);
  }

  private static @Nullable String annotation(Service s, String name) {
    Map<String, String> annotations = s.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(name);
  }
}
