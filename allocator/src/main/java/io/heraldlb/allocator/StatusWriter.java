package io.heraldlb.allocator;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.heraldlb.allocator.ipam.ServiceKey;
import io.heraldlb.config.IpAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Writes Service statuses (and the pool annotation) on a few threads, so the single reconcile
 * worker never waits for the API server. Per Service, at most one write is in flight and only the
 * newest wanted state is written: a newer one replaces one still waiting.
 */
final class StatusWriter implements AutoCloseable {
  /** What a Service should show: its IPs (empty clears the status) and the pool they came from. */
  record Wanted(Service service, List<IpAddress> ips, String pool) {}

  private final KubernetesClient client;
  private final ExecutorService executor;
  private final Map<ServiceKey, Wanted> waiting = new HashMap<>();
  private final Set<ServiceKey> busy = new HashSet<>();
  private final BiConsumer<ServiceKey, Boolean> outcome;

  /**
   * @param outcome told, per key, whether a write succeeded ({@code true}) or failed
   */
  StatusWriter(KubernetesClient client, int threads, BiConsumer<ServiceKey, Boolean> outcome) {
    this.client = client;
    this.outcome = outcome;
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "status-writer");
              t.setDaemon(true);
              return t;
            });
  }

  /** Whether the Service already shows {@code ips} (with ipMode VIP) and {@code pool}. */
  static boolean shows(Service s, List<IpAddress> ips, String pool) {
    return statusShows(s, ips) && (ips.isEmpty() || Objects.equals(currentPool(s), pool));
  }

  private static boolean statusShows(Service s, List<IpAddress> ips) {
    if (!ServiceFacts.statusIps(s).equals(ips)) {
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
      waiting.put(key, wanted);
      if (!busy.add(key)) {
        return;
      }
    }
    executor.execute(() -> drain(key));
  }

  private void drain(ServiceKey key) {
    while (true) {
      Wanted wanted;
      synchronized (this) {
        wanted = waiting.remove(key);
        if (wanted == null) {
          busy.remove(key);
          return;
        }
      }
      boolean ok;
      try {
        write(wanted);
        ok = true;
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(StatusWriter.class)
            .warn("status write for {} failed: {}", key, e.getMessage());
        ok = false;
      }
      outcome.accept(key, ok);
    }
  }

  private void write(Wanted w) {
    Service s = w.service();
    List<LoadBalancerIngress> ingress =
        w.ips().stream()
            .map(
                ip ->
                    new LoadBalancerIngressBuilder()
                        .withIp(ip.toString())
                        .withIpMode("VIP")
                        .build())
            .toList();
    Service updated =
        new ServiceBuilder(s)
            .editOrNewStatus()
            .withLoadBalancer(new LoadBalancerStatusBuilder().withIngress(ingress).build())
            .endStatus()
            .build();
    if (!statusShows(s, w.ips())) {
      client
          .services()
          .inNamespace(s.getMetadata().getNamespace())
          .resource(updated)
          .updateStatus();
    }
    String pool = w.ips().isEmpty() ? null : w.pool();
    if (!Objects.equals(currentPool(s), pool)) {
      // One annotation, written with a JSON merge patch: a null value removes it.
      String value = pool == null ? "null" : "\"" + pool + "\"";
      client
          .services()
          .inNamespace(s.getMetadata().getNamespace())
          .withName(s.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\""
                  + ServiceFacts.ALLOCATED_FROM
                  + "\":"
                  + value
                  + "}}}");
    }
  }

  private static String currentPool(Service s) {
    Map<String, String> annotations = s.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(ServiceFacts.ALLOCATED_FROM);
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
