package io.heraldlb.speaker.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.PoolConfig;
import io.heraldlb.kube.AnyChange;
import io.heraldlb.kube.MetalLbObjects;
import io.heraldlb.kube.PoolSource;
import io.heraldlb.kube.SlimStore;
import io.heraldlb.speaker.election.NodeFacts;
import io.heraldlb.speaker.plan.ClusterSnapshot;
import io.heraldlb.speaker.plan.ServiceInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches what announcing depends on: Services, EndpointSlices, Nodes, the pool ConfigMap and the
 * speaker pods. Handlers only call {@code onChange} (which must not block); the recompute loop
 * reads the caches through {@link #snapshot}.
 */
public final class KubeInformers implements ClusterSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubeInformers.class);

  public static final String SPEAKER_LABEL = "app.kubernetes.io/name";
  public static final String SPEAKER_LABEL_VALUE = "heraldlb-speaker";
  private static final long RESYNC_MS = Duration.ofMinutes(10).toMillis();

  private final String lbClass;
  private final boolean ignoreExcludeLabel;
  private final Map<String, SharedIndexInformer<? extends HasMetadata>> informers =
      new LinkedHashMap<>();
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final SharedIndexInformer<Node> nodes;
  private final SharedIndexInformer<ConfigMap> configMap;
  private final SharedIndexInformer<Pod> pods;
  private final MetalLbObjects metalLb;
  private final String configMapName;

  public KubeInformers(
      KubernetesClient client,
      String namespace,
      String configMapName,
      String metalLbNamespace,
      String lbClass,
      boolean ignoreExcludeLabel,
      Runnable onChange) {
    this.lbClass = lbClass;
    this.configMapName = namespace + "/" + configMapName;
    this.metalLb = new MetalLbObjects(client, metalLbNamespace, false, onChange);
    this.ignoreExcludeLabel = ignoreExcludeLabel;
    services =
        add(
            "services",
            client.services().inAnyNamespace().runnableInformer(RESYNC_MS),
            new SlimStore<>(CachedViews::service),
            onChange);
    slices =
        add(
            "endpointslices",
            client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(RESYNC_MS),
            new SlimStore<>(CachedViews::endpointSlice),
            onChange);
    nodes = add("nodes", client.nodes().runnableInformer(RESYNC_MS), new SlimStore<>(), onChange);
    configMap =
        add(
            "configmap",
            client
                .configMaps()
                .inNamespace(namespace)
                .withName(configMapName)
                .runnableInformer(RESYNC_MS),
            new SlimStore<>(),
            onChange);
    pods =
        add(
            "speaker pods",
            client
                .pods()
                .inNamespace(namespace)
                .withLabel(SPEAKER_LABEL, SPEAKER_LABEL_VALUE)
                .runnableInformer(RESYNC_MS),
            new SlimStore<>(),
            onChange);
  }

  private <T extends HasMetadata> SharedIndexInformer<T> add(
      String name, SharedIndexInformer<T> informer, SlimStore<T> store, Runnable onChange) {
    informer.itemStore(store);
    informer.addEventHandler(new AnyChange<>(onChange));
    informer.exceptionHandler(
        (started, t) -> {
          log.warn("watch of {} failed, retrying: {}", name, t.toString());
          return true;
        });
    informers.put(name, informer);
    return informer;
  }

  /** Starts every informer without waiting; {@link #awaitSynced} waits. */
  public void start() {
    informers.values().forEach(SharedIndexInformer::start);
    metalLb.start();
  }

  /** Waits until every cache holds the first list; false on timeout. */
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!synced()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return true;
  }

  public boolean synced() {
    return informers.values().stream().allMatch(SharedIndexInformer::hasSynced) && metalLb.synced();
  }

  /** Null while every informer runs; otherwise which stopped. */
  public @Nullable String problem() {
    List<String> stopped = new ArrayList<>();
    informers.forEach(
        (name, i) -> {
          if (!i.isRunning()) {
            stopped.add(name);
          }
        });
    if (!stopped.isEmpty()) {
      return "informers stopped: " + stopped;
    }
    return metalLb.problem();
  }

  @Override
  public PoolSource.Inputs poolInputs() {
    List<ConfigMap> list = configMap.getStore().list();
    Map<String, String> data = null;
    if (!list.isEmpty()) {
      data = list.get(0).getData() == null ? Map.of() : list.get(0).getData();
    }
    return new PoolSource.Inputs(data, metalLb.decoded());
  }

  @Override
  public String configMapName() {
    return configMapName;
  }

  @Override
  public String metalLbNamespace() {
    return metalLb.namespace();
  }

  @Override
  public ClusterSnapshot snapshot(Set<String> members, PoolConfig config) {
    List<ServiceInfo> svcs = new ArrayList<>();
    for (Service s : services.getStore().list()) {
      KubeFacts.service(s, lbClass).ifPresent(svcs::add);
    }
    Map<String, Set<String>> endpoints = new HashMap<>();
    for (EndpointSlice slice : slices.getStore().list()) {
      Optional<String> key = KubeFacts.serviceKey(slice);
      key.ifPresent(
          k ->
              endpoints
                  .computeIfAbsent(k, x -> new HashSet<>())
                  .addAll(KubeFacts.endpointNodes(slice)));
    }
    Map<String, NodeFacts> nodeFacts = new HashMap<>();
    for (Node n : nodes.getStore().list()) {
      nodeFacts.put(n.getMetadata().getName(), KubeFacts.node(n, ignoreExcludeLabel));
    }
    return new ClusterSnapshot(svcs, endpoints, nodeFacts, config, members);
  }

  @Override
  public Optional<Map<String, String>> nodeLabels(String name) {
    Node n = nodes.getStore().getByKey(name);
    if (n == null) {
      return Optional.empty();
    }
    Map<String, String> labels = n.getMetadata().getLabels();
    return Optional.of(labels == null ? Map.of() : labels);
  }

  /** The addresses of the speaker pods, by the node each runs on. */
  public Map<String, Set<IpAddress>> speakerPodsByNode() {
    Map<String, Set<IpAddress>> out = new HashMap<>();
    for (Pod p : pods.getStore().list()) {
      Optional<String> node = KubeFacts.speakerNode(p);
      Optional<IpAddress> ip = KubeFacts.podIp(p);
      if (node.isPresent() && ip.isPresent()) {
        out.computeIfAbsent(node.get(), n -> new TreeSet<>()).add(ip.get());
      }
    }
    return out;
  }

  /** Addresses of the speaker pods that have one, sorted. */
  public Set<IpAddress> speakerPodIps() {
    Set<IpAddress> out = new TreeSet<>();
    for (Pod p : pods.getStore().list()) {
      KubeFacts.podIp(p).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The nodes that run a speaker pod, except nodes known to be down: the members a converged
   * speaker group should hold.
   */
  public Set<String> speakerNodes() {
    Set<String> down = new HashSet<>();
    for (Node n : nodes.getStore().list()) {
      if (!KubeFacts.maybeReady(n)) {
        down.add(n.getMetadata().getName());
      }
    }
    Set<String> out = new TreeSet<>();
    for (Pod p : pods.getStore().list()) {
      KubeFacts.speakerNode(p).filter(n -> !down.contains(n)).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public void close() {
    metalLb.close();
    for (SharedIndexInformer<? extends HasMetadata> i : informers.values()) {
      try {
        i.stop();
      } catch (RuntimeException e) {
        log.debug("stopping an informer", e);
      }
    }
  }
}
