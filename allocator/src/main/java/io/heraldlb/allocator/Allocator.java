package io.heraldlb.allocator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.heraldlb.allocator.ipam.ServiceKey;
import io.heraldlb.kube.EventWriter;
import io.heraldlb.kube.MetalLbObjects;
import io.heraldlb.kube.SlimStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One allocator replica: informers (kept warm on standbys too), leader election on the Lease {@code
 * heraldlb-allocator}, and the {@link ControllerLoop} worker while this replica leads. Losing the
 * Lease ends the replica: its in-memory state is rebuilt from the API by the next one.
 *
 * <p>Handover is fenced on both sides. Every write starts only while the {@link FencedLock} says
 * the last renewal is recent enough that no rival can hold the Lease yet. A replica that stops
 * gives the Lease up only after its writes in flight have ended (or not at all, if they do not end:
 * it then expires). A new leader loads existing assignments from a fresh LIST, not from its
 * informer cache, which may not have seen the last writes of the replica before it.
 *
 * <p>Over 300 lines on purpose: the handover protocol (election callbacks, fencing, drain, release)
 * reads in order in one file, which is how it is reviewed.
 */
final class Allocator implements AutoCloseable {
  static final String LEASE = "heraldlb-allocator";
  private static final Logger log = LoggerFactory.getLogger(Allocator.class);

  private final KubernetesClient client;
  private final AllocatorSettings settings;
  private final Runnable onLostLease;
  final AllocatorMetrics metrics;
  private final WorkQueue<WorkKey> queue = new WorkQueue<>(Clock.systemUTC());

  /** How long a stopping replica waits for its writes in flight before giving up the Lease. */
  static final Duration DRAIN = Duration.ofSeconds(5);

  private final FencedLock lock;
  private final WriteQueue writes;
  private final EventWriter events;
  private final StatusWriter writer;
  private final ControllerLoop loop;
  private final Reconciler reconciler;
  // Set by start() and read by the ops server's thread too: null until then.
  private volatile @Nullable SharedIndexInformer<Service> services;
  private volatile @Nullable SharedIndexInformer<ConfigMap> configMaps;
  private volatile @Nullable SharedIndexInformer<Namespace> namespaces;
  private final MetalLbObjects metalLb;
  private volatile @Nullable LeaderElector elector;
  private volatile @Nullable CompletableFuture<?> election;
  private volatile @Nullable Thread worker;
  private volatile boolean leading;
  private boolean stoppedWriting;

  /**
   * @param onLostLease what to do when this replica loses the Lease after having led (the program
   *     exits; tests record it)
   */
  private final PoolUsageWriter usage;

  Allocator(KubernetesClient client, AllocatorSettings settings, Runnable onLostLease) {
    this.client = client;
    this.settings = settings;
    this.onLostLease = onLostLease;
    this.metrics = new AllocatorMetrics(queue::depth);
    this.usage = new PoolUsageWriter(client, settings.namespace());
    metrics.published = usage::publish;
    this.lock =
        new FencedLock(
            new LeaseLock(settings.namespace(), LEASE, settings.identity()),
            settings.renewDeadline(),
            System::nanoTime);
    this.writes = new WriteQueue(16, lock::holds);
    metrics.writesHeld(writes::heldWrites);
    this.events =
        new EventWriter(
            client,
            task -> writes.execute(WriteQueue.Priority.EVENT, task),
            Clock.systemUTC(),
            "allocator",
            settings.identity(),
            null);
    this.loop =
        new ControllerLoop(
            queue, new WorkQueue.Backoff(settings.retryBase(), settings.retryMax()), metrics);
    this.writer = new StatusWriter(client, writes, loop::writeDone);
    this.metalLb =
        new MetalLbObjects(
            client, settings.metalLbNamespace(), true, () -> queue.add(WorkKey.Config.INSTANCE));
    this.reconciler =
        new Reconciler(
            new InformerCache(),
            queue::add,
            writer,
            events,
            metrics,
            settings.loadBalancerClass(),
            settings.namespace() + "/" + settings.configMap(),
            settings.metalLbNamespace());
    loop.reconcilingWith(reconciler, writer::busy);
  }

  /** Starts the informers, waits until they have synced, then joins the leader election. */
  void start() throws InterruptedException {
    // Status and annotation are written by patches, never by an update of the cached object, so
    // the cache can do without managedFields (most of a decoded Service).
    SharedIndexInformer<Service> services =
        client.services().inAnyNamespace().runnableInformer(Duration.ofMinutes(10).toMillis());
    services.itemStore(new SlimStore<>());
    services.addEventHandler(handler(s -> queue.add(WorkKey.of(ServiceFacts.key(s)))));
    services.start();
    SharedIndexInformer<ConfigMap> configMaps =
        client
            .configMaps()
            .inNamespace(settings.namespace())
            .withName(settings.configMap())
            .inform(
                handler(cm -> queue.add(WorkKey.Config.INSTANCE)),
                Duration.ofMinutes(10).toMillis());
    // Namespaces only for their labels (pool namespace-selectors): a change re-reconciles the
    // namespace's Services, which may have gained or lost pools.
    SharedIndexInformer<Namespace> namespaces =
        client
            .namespaces()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Namespace ns) {}

                  @Override
                  public void onUpdate(Namespace before, Namespace now) {
                    if (!Objects.equals(
                        before.getMetadata().getLabels(), now.getMetadata().getLabels())) {
                      enqueueServicesOf(services, now.getMetadata().getName());
                    }
                  }

                  @Override
                  public void onDelete(Namespace ns, boolean deletedFinalStateUnknown) {}
                },
                Duration.ofMinutes(10).toMillis());
    this.services = services;
    this.configMaps = configMaps;
    this.namespaces = namespaces;
    for (SharedIndexInformer<?> informer : List.of(services, configMaps, namespaces)) {
      informer
          .stopped()
          .whenComplete((v, e) -> log.error("an informer stopped{}", e == null ? "" : ": " + e));
    }
    metalLb.start();
    long waited = 0;
    while (!services.hasSynced()
        || !configMaps.hasSynced()
        || !namespaces.hasSynced()
        || !metalLb.synced()) {
      Thread.sleep(50);
      waited += 50;
      if (waited % 10_000 == 0) {
        log.warn(
            "still waiting for the API server to list Services, Namespaces and the ConfigMap ({} s)",
            waited / 1000);
      }
    }
    log.info("caches synced: {} Service(s)", services.getStore().list().size());
    LeaderElector elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(LEASE)
                    .withLock(lock)
                    .withLeaseDuration(settings.leaseDuration())
                    .withRenewDeadline(settings.renewDeadline())
                    .withRetryPeriod(settings.retryPeriod())
                    // Released by stopWriting, once nothing is in flight.
                    .withReleaseOnCancel(false)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(this::startLeading, this::stopLeading, this::newLeader))
                    .build())
            .build();
    this.elector = elector;
    election = elector.start();
  }

  private void startLeading() {
    log.info("{} leads: allocating", settings.identity());
    leading = true;
    metrics.leader.set(1);
    Thread worker = new Thread(loop, "reconcile");
    worker.setDaemon(true);
    this.worker = worker;
    worker.start();
  }

  private void stopLeading() {
    if (!leading) {
      return;
    }
    leading = false;
    lock.revoke();
    metrics.leader.set(0);
    Thread worker = this.worker;
    if (worker != null) {
      worker.interrupt();
    }
    log.error(
        "{} lost the Lease {}; stopping so that state is rebuilt from the API",
        settings.identity(),
        LEASE);
    onLostLease.run();
  }

  private void newLeader(String identity) {
    log.info("the allocator leader is {}", identity);
  }

  boolean leading() {
    return leading;
  }

  /** {@code null} when the informers and (on the leader) the worker are alive. */
  @Nullable String healthProblem() {
    SharedIndexInformer<Service> services = this.services;
    SharedIndexInformer<ConfigMap> configMaps = this.configMaps;
    SharedIndexInformer<Namespace> namespaces = this.namespaces;
    Thread worker = this.worker;
    if (services == null || configMaps == null || namespaces == null) {
      return "starting";
    }
    if (!services.isRunning()) {
      return "the Service informer has stopped";
    }
    if (!configMaps.isRunning()) {
      return "the ConfigMap informer has stopped";
    }
    if (!namespaces.isRunning()) {
      return "the Namespace informer has stopped";
    }
    if (leading && worker != null && !worker.isAlive()) {
      return "the reconcile worker has stopped";
    }
    return metalLb.problem();
  }

  /** Ready once caches are warm; the leader also needs its initial load done. */
  @Nullable String readinessProblem() {
    String health = healthProblem();
    if (health != null) {
      return health;
    }
    if (!started(services).hasSynced()
        || !started(configMaps).hasSynced()
        || !started(namespaces).hasSynced()
        || !metalLb.synced()) {
      return "caches are not synced";
    }
    if (leading && !reconciler.seeded()) {
      return "waiting for a valid pool configuration (ConfigMap "
          + settings.namespace()
          + "/"
          + settings.configMap()
          + ")";
    }
    return null;
  }

  boolean seeded() {
    return reconciler.seeded();
  }

  /** The writes this replica sends (tests hold one in flight). */
  WriteQueue writes() {
    return writes;
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> handler(Consumer<T> enqueue) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        enqueue.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        enqueue.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        enqueue.accept(obj);
      }
    };
  }

  private void enqueueServicesOf(SharedIndexInformer<Service> services, String namespace) {
    for (Service s : services.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
      queue.add(WorkKey.of(ServiceFacts.key(s)));
    }
  }

  private static <T> T started(@Nullable T informer) {
    if (informer == null) {
      throw new IllegalStateException("the informers have not been started");
    }
    return informer;
  }

  private final class InformerCache implements Reconciler.Cache {
    @Override
    public @Nullable Service service(ServiceKey key) {
      return started(services).getStore().getByKey(key.namespace() + "/" + key.name());
    }

    @Override
    public List<Service> services() {
      return started(services).getStore().list();
    }

    @Override
    public List<Service> servicesFromApi() {
      return client.services().inAnyNamespace().list().getItems();
    }

    @Override
    public @Nullable ConfigMap configMap() {
      return started(configMaps)
          .getStore()
          .getByKey(settings.namespace() + "/" + settings.configMap());
    }

    @Override
    public List<GenericKubernetesResource> metalLbObjects() {
      return metalLb.objects();
    }

    @Override
    public List<Map<String, Object>> metalLbDecoded() {
      return metalLb.decoded();
    }

    @Override
    public Map<String, String> namespaceLabels(String name) {
      Namespace ns = started(namespaces).getStore().getByKey(name);
      Map<String, String> labels = ns == null ? null : ns.getMetadata().getLabels();
      return labels == null ? Map.of() : labels;
    }
  }

  /**
   * Stops leading: the worker first, then the writes in flight, and only then the Lease, released
   * at once so that a standby takes over. The replica writes nothing any more.
   */
  void resign() {
    boolean wasLeading = leading;
    stopWriting();
    if (wasLeading) {
      onLostLease.run();
    }
  }

  private synchronized void stopWriting() {
    if (stoppedWriting) {
      return;
    }
    stoppedWriting = true;
    leading = false; // the elector's stop callback, which cancelling calls, has nothing to do
    metrics.leader.set(0);
    Thread worker = this.worker;
    if (worker != null) {
      worker.interrupt();
      try {
        worker.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    CompletableFuture<?> election = this.election;
    if (election != null) {
      election.cancel(true); // no more renewals; the fence still covers writes in flight
    }
    boolean drained = writes.drain(DRAIN);
    lock.revoke();
    if (writes.fencedWrites() > 0) {
      log.warn("{} write(s) not sent: the Lease had lapsed", writes.fencedWrites());
    }
    LeaderElector elector = this.elector;
    if (elector == null) {
      return;
    }
    if (!drained) {
      log.warn(
          "a write is still in flight after {} s; the Lease {} is left to expire",
          DRAIN.toSeconds(),
          LEASE);
      return;
    }
    try {
      if (elector.release()) {
        log.info("released the Lease {}", LEASE);
      }
    } catch (RuntimeException e) {
      log.warn("releasing the Lease {} failed, it expires instead: {}", LEASE, e.toString());
    }
  }

  @Override
  public void close() {
    stopWriting();
    // Watches last: the informers must see nothing in flight when they stop.
    SharedIndexInformer<Service> services = this.services;
    SharedIndexInformer<ConfigMap> configMaps = this.configMaps;
    SharedIndexInformer<Namespace> namespaces = this.namespaces;
    if (services != null) {
      services.close();
    }
    if (configMaps != null) {
      configMaps.close();
    }
    if (namespaces != null) {
      namespaces.close();
    }
    metalLb.close();
    usage.close();
  }
}
