package io.heraldlb.kube;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.heraldlb.runtime.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MetalLB's pool objects, {@code IPAddressPool} and {@code L2Advertisement} of one namespace, as
 * informer caches, for clusters switching from MetalLB. The {@code metallb.io} CRDs may be absent:
 * then nothing is watched, and API discovery is asked again every {@link #RECHECK} until they
 * appear. BGP objects are only counted, once, for a warning. Nothing is ever written.
 */
public final class MetalLbObjects implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetalLbObjects.class);

  public static final String API_VERSION = "metallb.io/v1beta1";
  static final Duration RECHECK = Duration.ofSeconds(30);
  private static final long RESYNC_MS = Duration.ofMinutes(10).toMillis();

  private final KubernetesClient client;
  private final String namespace;
  private final boolean warnAboutBgp;
  private final Runnable onChange;
  private final ScheduledExecutorService recheck =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("metallb-discovery"));
  private volatile @Nullable SharedIndexInformer<GenericKubernetesResource> pools;
  private volatile @Nullable SharedIndexInformer<GenericKubernetesResource> advertisements;
  private volatile boolean looked;

  /** Counts the changes the watches saw; {@link #decoded} is cached per count. */
  private final AtomicLong changes = new AtomicLong();

  private record Decoded(long version, List<Map<String, Object>> objects) {}

  private volatile @Nullable Decoded last;

  /**
   * @param namespace where MetalLB's objects live ({@code metallb-system} unless set); empty: do
   *     not read them at all
   * @param warnAboutBgp list MetalLB's BGP objects once and warn that they have no effect (one
   *     program doing so is enough)
   * @param onChange called (never blocking) when an object changes or the CRDs appear
   */
  public MetalLbObjects(
      KubernetesClient client, String namespace, boolean warnAboutBgp, Runnable onChange) {
    this.client = client;
    this.namespace = namespace;
    this.warnAboutBgp = warnAboutBgp;
    this.onChange = onChange;
  }

  /** Looks for the CRDs now and then every {@link #RECHECK} until they are found. */
  public void start() {
    if (namespace.isEmpty()) {
      looked = true;
      return;
    }
    recheck.scheduleWithFixedDelay(this::lookForCrds, 0, RECHECK.toMillis(), TimeUnit.MILLISECONDS);
  }

  public String namespace() {
    return namespace;
  }

  /** True once the CRDs were looked for and, if they exist, both caches hold the first list. */
  public boolean synced() {
    var p = pools;
    var a = advertisements;
    return looked && (p == null || (p.hasSynced() && a != null && a.hasSynced()));
  }

  /** Every IPAddressPool and L2Advertisement now cached, by kind then name. */
  public List<GenericKubernetesResource> objects() {
    List<GenericKubernetesResource> out = new ArrayList<>();
    for (var informer : new ArrayList<>(Arrays.asList(pools, advertisements))) {
      if (informer != null) {
        out.addAll(informer.getStore().list());
      }
    }
    out.sort(
        Comparator.comparing(GenericKubernetesResource::getKind)
            .thenComparing(o -> o.getMetadata().getName()));
    return out;
  }

  /**
   * What of the objects has meaning, as plain maps {@link
   * io.heraldlb.config.ConfigParser#parseMetalLb} reads: kind, name, labels and spec, so that a
   * status or resourceVersion change is no change.
   */
  public List<Map<String, Object>> decoded() {
    long version = changes.get();
    Decoded last = this.last;
    if (last != null && last.version() == version) {
      return last.objects(); // the speaker asks on every recompute; decode once per change
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (GenericKubernetesResource o : objects()) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("name", o.getMetadata().getName());
      metadata.put("namespace", o.getMetadata().getNamespace());
      if (o.getMetadata().getLabels() != null) {
        metadata.put("labels", Map.copyOf(o.getMetadata().getLabels()));
      }
      Map<String, Object> object = new LinkedHashMap<>();
      object.put("apiVersion", o.getApiVersion());
      object.put("kind", o.getKind());
      object.put("metadata", metadata);
      Object spec = o.getAdditionalProperties().get("spec");
      if (spec != null) {
        object.put("spec", spec);
      }
      out.add(object);
    }
    List<Map<String, Object>> objects = List.copyOf(out);
    this.last = new Decoded(version, objects);
    return objects;
  }

  /** Null while the watches run (or there is nothing to watch); otherwise what stopped. */
  public @Nullable String problem() {
    var p = pools;
    var a = advertisements;
    if (p != null && a != null && (!p.isRunning() || !a.isRunning())) {
      return "the watches of MetalLB's IPAddressPools and L2Advertisements stopped";
    }
    return null;
  }

  private synchronized void lookForCrds() {
    if (pools != null) {
      return;
    }
    Set<String> served;
    try {
      served = served();
    } catch (RuntimeException e) {
      // Not knowing must not hold start-up back: go on as without them, and ask again.
      log.warn(
          "cannot ask the API server whether MetalLB's CRDs exist, asking again in {} s: {}",
          RECHECK.toSeconds(),
          e.toString());
      looked = true;
      return;
    }
    if (!served.contains("ipaddresspools") || !served.contains("l2advertisements")) {
      if (!looked) {
        log.info(
            "MetalLB's CRDs ({}) are not installed; looking again every {} s",
            API_VERSION,
            RECHECK.toSeconds());
      }
      looked = true;
      return;
    }
    if (warnAboutBgp) {
      warnAboutBgp(served);
    }
    advertisements = watch("L2Advertisement", "l2advertisements");
    pools = watch("IPAddressPool", "ipaddresspools");
    changes.incrementAndGet();
    looked = true;
    log.info("reading MetalLB's IPAddressPools and L2Advertisements in {}", namespace);
    recheck.shutdown();
    onChange.run();
  }

  private Set<String> served() {
    APIResourceList list;
    try {
      list = client.getApiResources(API_VERSION);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Set.of();
      }
      throw e;
    }
    Set<String> names = new TreeSet<>();
    if (list != null && list.getResources() != null) {
      list.getResources().stream().map(APIResource::getName).forEach(names::add);
    }
    return names;
  }

  private void warnAboutBgp(Set<String> served) {
    List<String> found = new ArrayList<>();
    for (String[] kind :
        new String[][] {{"BGPPeer", "bgppeers"}, {"BGPAdvertisement", "bgpadvertisements"}}) {
      if (!served.contains(kind[1])) {
        continue;
      }
      try {
        for (var o : resources(kind[0], kind[1]).list().getItems()) {
          found.add(kind[0] + " " + o.getMetadata().getName());
        }
      } catch (KubernetesClientException e) {
        log.debug("cannot list MetalLB's {}: {}", kind[1], e.toString());
      }
    }
    if (!found.isEmpty()) {
      log.warn(
          "ignoring {} in {}: HeraldLB announces with layer 2 (ARP/NDP) only, BGP objects have no"
              + " effect",
          String.join(", ", found),
          namespace);
    }
  }

  private SharedIndexInformer<GenericKubernetesResource> watch(String kind, String plural) {
    SharedIndexInformer<GenericKubernetesResource> informer =
        resources(kind, plural).runnableInformer(RESYNC_MS);
    informer.addEventHandler(
        new AnyChange<>(
            () -> {
              changes.incrementAndGet(); // before the signal: a reader it wakes decodes anew
              onChange.run();
            }));
    informer.exceptionHandler(
        (started, t) -> {
          log.warn("watch of MetalLB's {} failed, retrying: {}", plural, t.toString());
          return true;
        });
    informer.start();
    return informer;
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      resources(String kind, String plural) {
    ResourceDefinitionContext context =
        new ResourceDefinitionContext.Builder()
            .withGroup("metallb.io")
            .withVersion("v1beta1")
            .withKind(kind)
            .withPlural(plural)
            .withNamespaced(true)
            .build();
    return client.genericKubernetesResources(context).inNamespace(namespace);
  }

  @Override
  public void close() {
    recheck.shutdownNow();
    for (var informer : Arrays.asList(pools, advertisements)) {
      if (informer != null) {
        informer.close();
      }
    }
  }
}
