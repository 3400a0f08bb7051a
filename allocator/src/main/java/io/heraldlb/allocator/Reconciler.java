package io.heraldlb.allocator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.heraldlb.allocator.ipam.AllocationResult;
import io.heraldlb.allocator.ipam.Assignment;
import io.heraldlb.allocator.ipam.Ipam;
import io.heraldlb.allocator.ipam.ServiceKey;
import io.heraldlb.allocator.ipam.ServiceRequest;
import io.heraldlb.config.ConfigError;
import io.heraldlb.config.Family;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.ParseResult;
import io.heraldlb.config.Pool;
import io.heraldlb.config.PoolConfig;
import io.heraldlb.kube.EventWriter;
import io.heraldlb.kube.LoadBalancerServices;
import io.heraldlb.kube.PoolSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for one key at a time, what the IPAM core says and what must be written: the pool
 * configuration, or one Service. Writes go to the {@link StatusWriter} and Events to the {@link
 * EventWriter}; the {@link ControllerLoop} owns the queue, retries and timing. Nothing is allocated
 * before a valid configuration is loaded and every IP already in a Service's status has been
 * claimed. Only the loop's thread calls it.
 *
 * <p>Over 300 lines on purpose: both keys share the claim-before-allocate rule and the wording of
 * the Events a user reads; the decisions themselves are in {@code ipam}.
 */
final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** What the loop does next with the key. */
  sealed interface Result {
    /** Done; the key comes back only when something changes. */
    record Done() implements Result {}

    /** Failed for now: again after the key's next backoff step. */
    record Retry() implements Result {}

    /** Done, and every Service must be looked at again (a new configuration, the seed). */
    record ReprocessAll() implements Result {}
  }

  /** The informer caches the reconciler reads. */
  interface Cache {
    @Nullable Service service(ServiceKey key);

    List<Service> services();

    /**
     * Every Service as the API server has it now (a LIST, not the cache): what the previous leader
     * wrote last may not have reached the watch yet.
     */
    List<Service> servicesFromApi();

    @Nullable ConfigMap configMap();

    /** MetalLB's IPAddressPools and L2Advertisements; empty when they are not installed. */
    default List<GenericKubernetesResource> metalLbObjects() {
      return List.of();
    }

    /** The same objects, as {@link PoolSource.Inputs} holds them. */
    default List<Map<String, Object>> metalLbDecoded() {
      return List.of();
    }

    /** The labels of namespace {@code name}; empty if it has none or is not known. */
    Map<String, String> namespaceLabels(String name);
  }

  private Map<String, String> namespaceLabels(Service s) {
    return cache.namespaceLabels(s.getMetadata().getNamespace());
  }

  private final Cache cache;
  private final Consumer<WorkKey> requeue;
  private final StatusWriter writer;
  private final EventWriter events;
  private final AllocatorMetrics metrics;
  private final String loadBalancerClass;
  private final String configMapName;
  private final String metalLbNamespace;
  private @Nullable String lastIgnored;
  private final Ipam ipam = new Ipam(PoolConfig.EMPTY);
  private @Nullable PoolConfig config; // null until the first valid ConfigMap

  private record PoolSize(String pool, Family family, double total, java.math.BigInteger size) {}

  private List<PoolSize> poolSizes = List.of();
  private volatile boolean seeded;

  /** Services that got no address; any address given up is retried for them at once. */
  private final Set<ServiceKey> waiting = new LinkedHashSet<>();

  /**
   * @param requeue puts a key back on the queue (a waiting Service, when an address comes free)
   */
  Reconciler(
      Cache cache,
      Consumer<WorkKey> requeue,
      StatusWriter writer,
      EventWriter events,
      AllocatorMetrics metrics,
      String loadBalancerClass,
      String configMapName,
      String metalLbNamespace) {
    this.cache = cache;
    this.configMapName = configMapName;
    this.metalLbNamespace = metalLbNamespace;
    this.requeue = requeue;
    this.writer = writer;
    this.events = events;
    this.metrics = metrics;
    this.loadBalancerClass = loadBalancerClass;
  }

  /** Whether the initial load is done and Services are being allocated. */
  boolean seeded() {
    return seeded;
  }

  Result reconcile(WorkKey key) {
    return key instanceof WorkKey.Service s ? reconcile(s.key()) : loadConfig();
  }

  /**
   * Every Service, oldest first (allocation order is deterministic), but those already settled
   * (showing exactly the addresses held for them) after the rest: after a restart with thousands of
   * Services a new one waits for no walk through those that keep theirs. Settled Services take
   * nothing from the others, so among the Services that need an address the order stays oldest
   * first.
   */
  List<WorkKey> everything() {
    List<WorkKey> out = new ArrayList<>();
    List<WorkKey> settled = new ArrayList<>();
    for (Service s : sortedServices()) {
      (settled(s) ? settled : out).add(WorkKey.of(ServiceFacts.key(s)));
    }
    out.addAll(settled);
    return out;
  }

  private boolean settled(Service s) {
    List<IpAddress> shown = LoadBalancerServices.ingressIps(s);
    return !shown.isEmpty()
        && ipam.assignment(ServiceFacts.key(s)).filter(a -> a.ips().equals(shown)).isPresent();
  }

  private List<Service> sortedServices() {
    return oldestFirst(cache.services());
  }

  /** Oldest first, then by key. */
  private static List<Service> oldestFirst(List<Service> services) {
    List<Service> all = new ArrayList<>(services);
    all.sort(
        Comparator.comparing((Service s) -> String.valueOf(s.getMetadata().getCreationTimestamp()))
            .thenComparing(ServiceFacts::key));
    return all;
  }

  // ---- the pool configuration ----

  private Result loadConfig() {
    ConfigMap cm = cache.configMap();
    Map<String, String> data = null;
    if (cm != null) {
      data = cm.getData() == null ? Map.of() : cm.getData();
    }
    PoolSource.Choice choice =
        PoolSource.choose(
            new PoolSource.Inputs(data, cache.metalLbDecoded()), configMapName, metalLbNamespace);
    if (!Objects.equals(choice.ignored(), lastIgnored) && choice.ignored() != null) {
      log.info("{}", choice.ignored());
    }
    lastIgnored = choice.ignored();
    ParseResult parsed = choice.result();
    HasMetadata subject = choice.fromMetalLb() ? firstPool(cache.metalLbObjects()) : cm;
    if (parsed == null || subject == null) {
      if (config == null) {
        log.warn(
            "no pool configuration yet (neither {} exists); nothing is allocated until one does",
            choice.from());
      } else {
        log.warn("the pool configuration is gone; keeping the last good one");
        metrics.configStale.set(1);
      }
      return new Result.Done();
    }
    if (parsed instanceof ParseResult.Invalid invalid) {
      metrics.configStale.set(1);
      String errors =
          invalid.errors().stream().map(ConfigError::toString).collect(Collectors.joining("; "));
      log.error(
          "the pool configuration in {} is invalid, keeping the last good one: {}",
          choice.from(),
          errors);
      events.warning(
          subject,
          "ConfigInvalid",
          "Configuration not loaded, the last good one stays in use: " + errors);
      return new Result.Done();
    }
    PoolConfig next = ((ParseResult.Valid) parsed).config();
    metrics.configStale.set(0);
    metrics.configLoaded.set(1);
    boolean changed = !next.equals(config);
    if (changed) {
      apply(subject, choice.fromMetalLb() ? choice.from() : "'" + next.source() + "'", next);
    }
    if (!seeded) {
      try {
        seed();
      } catch (RuntimeException e) {
        log.warn(
            "listing Services to load existing assignments failed, retrying: {}", e.toString());
        return new Result.Retry();
      }
      return new Result.ReprocessAll();
    }
    return changed ? new Result.ReprocessAll() : new Result.Done();
  }

  /** The Events about MetalLB's objects go to its first IPAddressPool (by name). */
  private static @Nullable HasMetadata firstPool(List<GenericKubernetesResource> objects) {
    return objects.stream()
        .filter(o -> "IPAddressPool".equals(o.getKind()))
        .min(Comparator.comparing(o -> o.getMetadata().getName()))
        .orElse(null);
  }

  private void apply(HasMetadata subject, String from, PoolConfig next) {
    next.notes().forEach(n -> log.warn("{}: {}", from, n));
    config = next;
    poolSizes = sizes(next);
    metrics.unadvertised(
        next.pools().stream().filter(p -> !p.advertised()).map(Pool::name).toList(),
        next.pools().stream().map(Pool::name).toList());
    ipam.setConfig(next);
    String names = next.pools().stream().map(Pool::name).collect(Collectors.joining(", "));
    log.info("loaded {} pool(s) from {}: {}", next.pools().size(), from, names);
    events.normal(
        subject,
        "ConfigLoaded",
        "Loaded " + next.pools().size() + " pool(s) from " + from + ": " + names);
  }

  /**
   * Claims every IP already in a Service's status, before anything is allocated, as a fresh LIST
   * shows them. Services the cache still shows older then reconcile to the same IPs.
   */
  private void seed() {
    int claimed = 0;
    int kept = 0;
    for (Service s : oldestFirst(cache.servicesFromApi())) {
      if (!LoadBalancerServices.handles(s, loadBalancerClass)
          || LoadBalancerServices.ingressIps(s).isEmpty()) {
        continue;
      }
      kept++;
      if (ipam.claim(ServiceFacts.toLenientRequest(s, namespaceLabels(s)))) {
        claimed++;
      }
    }
    seeded = true;
    log.info("loaded {} existing assignment(s); {} must move", claimed, kept - claimed);
  }

  // ---- Services ----

  private Result reconcile(ServiceKey key) {
    if (!seeded) {
      return new Result.Done(); // the seed reprocesses everything
    }
    Service s = cache.service(key);
    if (s == null || !LoadBalancerServices.handles(s, loadBalancerClass)) {
      release(key, s);
      return new Result.Done();
    }
    ServiceRequest request;
    try {
      request = ServiceFacts.toRequest(s, namespaceLabels(s));
    } catch (ServiceFacts.InvalidService e) {
      failed(s, String.valueOf(e.getMessage()), ipam.assignment(key).orElse(null));
      return new Result.Done();
    }
    AllocationResult result = ipam.assign(request);
    if (result instanceof AllocationResult.Assigned a) {
      assigned(s, a);
    } else {
      AllocationResult.Failed f = (AllocationResult.Failed) result;
      failed(s, f.reason(), f.kept());
    }
    return new Result.Done();
  }

  private void release(ServiceKey key, @Nullable Service s) {
    var released = ipam.release(key);
    waiting.remove(key);
    if (released.isPresent()) {
      wakeWaiting();
    }
    if (s == null) {
      writer.forget(key);
      return;
    }
    List<IpAddress> shown = LoadBalancerServices.ingressIps(s);
    if (!shown.isEmpty() && showsOurAssignment(s, shown, released)) {
      writer.submit(key, new StatusWriter.Wanted(s, List.of(), null));
    }
    released.ifPresent(
        a -> {
          log.info("released {} from {}: no longer a LoadBalancer handled here", a.ips(), key);
          events.normal(
              s,
              "IPReleased",
              "Released "
                  + ips(a.ips())
                  + ": the Service is no longer a LoadBalancer HeraldLB handles");
        });
  }

  /**
   * Whether the status of a Service HeraldLB no longer handles shows what HeraldLB gave it: the IPs
   * of the assignment just released, or — when there is none, after a restart — IPs of the pool its
   * pool annotation names. Anything else is another controller's (a Service of another
   * loadBalancerClass, a class-less one while HeraldLB serves a class) and is left as it is.
   */
  private boolean showsOurAssignment(
      Service s, List<IpAddress> shown, Optional<Assignment> released) {
    if (released.isPresent()) {
      return released.get().ips().containsAll(shown);
    }
    Map<String, String> annotations = s.getMetadata().getAnnotations();
    String pool = annotations == null ? null : annotations.get(ServiceFacts.ALLOCATED_FROM);
    return pool != null
        && shown.stream().allMatch(ip -> ipam.poolNameOf(ip).filter(pool::equals).isPresent());
  }

  /** Requeues every waiting Service: an address just came free. */
  private void wakeWaiting() {
    waiting.forEach(k -> requeue.accept(WorkKey.of(k)));
  }

  private void assigned(Service s, AllocationResult.Assigned a) {
    Assignment assignment = a.assignment();
    ServiceKey key = assignment.key();
    waiting.remove(key);
    if (!a.dropped().isEmpty()) {
      wakeWaiting();
    }
    if (!a.dropped().isEmpty()) {
      log.warn(
          "{} loses {}: the configuration no longer offers it; now {}",
          key,
          a.dropped(),
          assignment.ips());
      events.warning(
          s,
          "IPReleased",
          "Released "
              + ips(a.dropped())
              + ": the pool configuration no longer offers it to this Service");
    }
    if (a.changed()) {
      log.atInfo()
          .addKeyValue("service", key)
          .addKeyValue("ip", ips(assignment.ips()))
          .addKeyValue("pool", assignment.pool())
          .log("assigned {} to {} from pool {}", assignment.ips(), key, assignment.pool());
      events.normal(
          s,
          "IPAllocated",
          "Assigned IP " + ips(assignment.ips()) + " from pool " + assignment.pool());
      if (config != null
          && config.pool(assignment.pool()).filter(p -> !p.advertised()).isPresent()) {
        events.warning(
            s,
            "NotAnnounced",
            "Pool "
                + assignment.pool()
                + " is covered by no L2Advertisement: "
                + ips(assignment.ips())
                + " is assigned, but no node announces it (as in MetalLB); add an"
                + " L2Advertisement for the pool");
      }
    }
    if (!StatusWriter.shows(s, assignment.ips(), assignment.pool())) {
      writer.submit(key, new StatusWriter.Wanted(s, assignment.ips(), assignment.pool()));
    }
  }

  private void failed(Service s, String reason, @Nullable Assignment kept) {
    ServiceKey key = ServiceFacts.key(s);
    metrics.allocationFailures.inc();
    List<IpAddress> shown = LoadBalancerServices.ingressIps(s);
    if (kept != null) {
      log.warn("cannot change the IPs of {}: {}; it keeps {}", key, reason, kept.ips());
      events.warning(s, "AllocationFailed", reason + "; the Service keeps " + ips(kept.ips()));
      if (!StatusWriter.shows(s, kept.ips(), kept.pool())) {
        writer.submit(key, new StatusWriter.Wanted(s, kept.ips(), kept.pool()));
      }
      return;
    }
    waiting.add(key);
    log.warn("cannot allocate an IP to {}: {}", key, reason);
    events.warning(s, "AllocationFailed", reason);
    if (!shown.isEmpty()) {
      events.warning(s, "IPReleased", "Released " + ips(shown) + ": " + reason);
      writer.submit(key, new StatusWriter.Wanted(s, List.of(), null));
    }
  }

  /** Publishes the pool figures; the loop calls it after each key. */
  void publishMetrics() {
    List<AllocatorMetrics.PoolFigures> figures = new ArrayList<>(poolSizes.size());
    for (PoolSize p : poolSizes) {
      figures.add(
          new AllocatorMetrics.PoolFigures(
              p.pool(), p.family(), p.total(), p.size(), ipam.inUse(p.pool(), p.family())));
    }
    metrics.publish(figures, ipam.assignmentCount());
  }

  /** Pool sizes per family, summed once per configuration rather than on every reconcile. */
  private static List<PoolSize> sizes(PoolConfig config) {
    List<PoolSize> out = new ArrayList<>();
    for (Pool p : config.pools()) {
      for (Family f : p.families()) {
        out.add(new PoolSize(p.name(), f, p.size(f).doubleValue(), p.size(f)));
      }
    }
    return List.copyOf(out);
  }

  private static String ips(List<IpAddress> ips) {
    return ips.stream().map(IpAddress::toString).collect(Collectors.joining(", "));
  }
}
