package io.heraldlb.allocator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.heraldlb.kube.StatusObjects;
import io.heraldlb.runtime.DaemonThreads;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PoolUsage objects (heraldlb.io/v1alpha1, one per pool, in HeraldLB's namespace): the leader's
 * count of each pool's addresses, in use and free, for {@code kubectl get poolusages} and the
 * {@code status} command. The reconcile loop hands over the figures after every Service; at most
 * every {@link #PERIOD} the pools whose figures changed are written (server-side apply) and the
 * objects of pools that are gone are deleted, so a burst of allocations costs one write per pool,
 * not one per Service.
 */
final class PoolUsageWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PoolUsageWriter.class);

  static final ResourceDefinitionContext CONTEXT = StatusObjects.POOL_USAGES;

  static final Duration PERIOD = Duration.ofSeconds(2);

  /** One pool's figures, summed over its families. */
  record Usage(List<String> families, BigInteger addresses, BigInteger inUse) {
    BigInteger free() {
      return addresses.subtract(inUse).max(BigInteger.ZERO);
    }
  }

  private final KubernetesClient client;
  private final String namespace;
  private final AtomicReference<@Nullable List<AllocatorMetrics.PoolFigures>> latest =
      new AtomicReference<>();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("pool-usage"));

  /**
   * What the API holds, as this writer last wrote or listed it; only on the executor's thread. A
   * null value: an object an earlier leader wrote, its content unknown, so rewritten.
   */
  private final Map<String, @Nullable Usage> written = new HashMap<>();

  private static final Duration WARN_EVERY = Duration.ofMinutes(1);
  private long lastWarned;
  private boolean listed;

  /**
   * When the CRD was found missing (0: it is there); looked for again after {@link #WARN_EVERY}.
   */
  private long noCrdSince;

  PoolUsageWriter(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    executor.scheduleWithFixedDelay(
        this::flush, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The loop's latest figures; returns at once. */
  void publish(List<AllocatorMetrics.PoolFigures> figures) {
    latest.set(figures);
  }

  static Map<String, Usage> usage(List<AllocatorMetrics.PoolFigures> figures) {
    Map<String, Usage> out = new TreeMap<>();
    for (AllocatorMetrics.PoolFigures f : figures) {
      Usage u = out.get(f.pool());
      List<String> families = new ArrayList<>(u == null ? List.of() : u.families());
      families.add(f.family().kubernetesName());
      out.put(
          f.pool(),
          new Usage(
              List.copyOf(families),
              (u == null ? BigInteger.ZERO : u.addresses()).add(f.size()),
              (u == null ? BigInteger.ZERO : u.inUse()).add(BigInteger.valueOf(f.inUse()))));
    }
    return out;
  }

  private void flush() {
    List<AllocatorMetrics.PoolFigures> figures = latest.getAndSet(null);
    if (figures == null) {
      return;
    }
    if (noCrdSince != 0 && System.nanoTime() - noCrdSince < WARN_EVERY.toNanos()) {
      latest.compareAndSet(null, figures); // kept for when the CRD is there
      return;
    }
    Map<String, Usage> now = usage(figures);
    try {
      if (!listed) {
        // What an earlier leader wrote: gone pools are found by this list, the rest rewritten.
        for (GenericKubernetesResource o :
            client.genericKubernetesResources(CONTEXT).inNamespace(namespace).list().getItems()) {
          written.put(o.getMetadata().getName(), null);
        }
        listed = true;
      }
      for (Map.Entry<String, Usage> e : now.entrySet()) {
        if (io.heraldlb.config.Names.checkDnsSubdomain(e.getKey()) != null) {
          continue; // a pool name no object may carry: its figures are in the metrics only
        }
        if (!e.getValue().equals(written.get(e.getKey()))) {
          apply(e.getKey(), e.getValue());
          written.put(e.getKey(), e.getValue());
        }
      }
      noCrdSince = 0;
      for (String gone : new ArrayList<>(written.keySet())) {
        if (!now.containsKey(gone)) {
          client.genericKubernetesResources(CONTEXT).inNamespace(namespace).withName(gone).delete();
          written.remove(gone);
        }
      }
    } catch (KubernetesClientException e) {
      latest.compareAndSet(null, figures); // try again next period
      if (StatusObjects.crdMissing(e)) {
        if (noCrdSince == 0) {
          log.warn(
              "the PoolUsage CRD is not installed (kubectl apply -k deploy/): pool usage is shown"
                  + " in metrics only until it is");
        }
        noCrdSince = System.nanoTime();
      } else if (System.nanoTime() - lastWarned > WARN_EVERY.toNanos() || lastWarned == 0) {
        lastWarned = System.nanoTime();
        log.warn(
            "cannot write the pools' usage (retried every {}, said once a minute): {}",
            PERIOD,
            e.getMessage());
      }
    }
  }

  private void apply(String pool, Usage u) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("families", String.join(",", u.families()));
    status.put("addresses", u.addresses().toString());
    status.put("inUse", u.inUse().toString());
    status.put("free", u.free().toString());
    GenericKubernetesResource object =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(StatusObjects.API_VERSION)
            .withKind("PoolUsage")
            .withNewMetadata()
            .withName(pool)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/part-of", "heraldlb")
            .endMetadata()
            .build();
    object.setAdditionalProperty("status", status);
    client
        .genericKubernetesResources(CONTEXT)
        .inNamespace(namespace)
        .resource(object)
        .fieldManager("heraldlb-allocator")
        .forceConflicts()
        .serverSideApply();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
