package io.heraldlb.speaker.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.heraldlb.config.IpAddress;
import io.heraldlb.kube.StatusObjects;
import io.heraldlb.runtime.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Announcement objects (heraldlb.io/v1alpha1, in HeraldLB's namespace, one per address): the
 * speaker that announces an address writes who, where and since when, so {@code kubectl get
 * announcements} answers long after the Events expired. Written on a thread of its own, only on a
 * change (a won, moved or lost address), by server-side apply; an address this node stops
 * announcing loses its object only while the object still names this node (a successor may have
 * written it already).
 *
 * <p>After the first plan, and every {@link #RESYNC}, the namespace's objects are listed once and
 * put right: this node's addresses written where missing or wrong (a failed write, an object
 * deleted by hand), objects naming this node for addresses it no longer announces deleted, and, by
 * the first live speaker in name order only, objects of nodes that left the group (a speaker killed
 * before it could clean up). Without the CRD (an install that predates it) it logs once and writes
 * nothing.
 */
public final class KubeAnnouncements implements AnnouncementSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubeAnnouncements.class);

  static final ResourceDefinitionContext CONTEXT = StatusObjects.ANNOUNCEMENTS;

  static final Duration RESYNC = Duration.ofSeconds(60);
  static final String FIELD_MANAGER = "heraldlb-speaker";

  /** What one address's object should say. */
  record Wanted(IpAddress ip, List<String> interfaces, List<String> services, Instant since) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String node;
  private final Supplier<Set<String>> members;
  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("announcements"));

  /** Only on the executor's thread, as are the two below. */
  private final Map<IpAddress, Wanted> wanted = new HashMap<>();

  private final Map<IpAddress, Wanted> written = new HashMap<>();
  private boolean noCrd;
  private long lastWarned;

  private final java.util.concurrent.atomic.AtomicBoolean planned =
      new java.util.concurrent.atomic.AtomicBoolean();

  public KubeAnnouncements(
      KubernetesClient client,
      String namespace,
      String node,
      Supplier<Set<String>> members,
      Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.node = node;
    this.members = members;
    this.clock = clock;
    executor.scheduleWithFixedDelay(
        () -> {
          if (planned.get()) {
            resync();
          }
        },
        RESYNC.toMillis(),
        RESYNC.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * The first plan puts the objects right at once (what an earlier run of this node left); until
   * then this node's wishes are unknown, so nothing is deleted.
   */
  @Override
  public void planned() {
    if (planned.compareAndSet(false, true)) {
      executor.execute(this::resync);
    }
  }

  static String nameFor(IpAddress ip) {
    return StatusObjects.announcementName(ip);
  }

  @Override
  public void announcing(IpAddress ip, List<String> interfaces, List<String> services) {
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    List<String> ifs = List.copyOf(interfaces);
    List<String> svcs = List.copyOf(services);
    executor.execute(
        () -> {
          Wanted before = wanted.get(ip);
          Wanted w = new Wanted(ip, ifs, svcs, before == null ? now : before.since());
          wanted.put(ip, w);
          write(w);
        });
  }

  @Override
  public void stopped(IpAddress ip) {
    executor.execute(
        () -> {
          wanted.remove(ip);
          written.remove(ip);
          deleteIfMine(ip);
        });
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      objects() {
    return client.genericKubernetesResources(CONTEXT).inNamespace(namespace);
  }

  private void write(Wanted w) {
    if (noCrd || w.equals(written.get(w.ip()))) {
      return;
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("ip", w.ip().toString());
    status.put("node", node);
    status.put("interfaces", w.interfaces());
    status.put("services", w.services());
    status.put("since", w.since().toString());
    GenericKubernetesResource object =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(StatusObjects.API_VERSION)
            .withKind("Announcement")
            .withNewMetadata()
            .withName(nameFor(w.ip()))
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/part-of", "heraldlb")
            .addToLabels("heraldlb.io/node", node)
            .endMetadata()
            .build();
    object.setAdditionalProperty("status", status);
    try {
      objects().resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      written.put(w.ip(), w);
    } catch (KubernetesClientException e) {
      failed("write the Announcement of " + w.ip(), e);
    }
  }

  private void deleteIfMine(IpAddress ip) {
    if (noCrd) {
      return;
    }
    try {
      GenericKubernetesResource current = objects().withName(nameFor(ip)).get();
      if (current != null && node.equals(nodeOf(current))) {
        objects().withName(nameFor(ip)).delete();
      }
    } catch (KubernetesClientException e) {
      failed("delete the Announcement of " + ip, e);
    }
  }

  private void failed(String what, KubernetesClientException e) {
    if (StatusObjects.crdMissing(e)) {
      noCrd = true;
      log.warn(
          "cannot {}: the Announcement CRD is not installed (kubectl apply -k deploy/); who"
              + " announces is then shown only in Events",
          what);
      return;
    }
    long now = System.nanoTime();
    if (lastWarned == 0 || now - lastWarned > RESYNC.toNanos()) {
      lastWarned = now;
      log.warn(
          "cannot {} (put right within {}; said once a minute): {}", what, RESYNC, e.getMessage());
    }
  }

  private static @Nullable String nodeOf(GenericKubernetesResource object) {
    Object status = object.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m && m.get("node") instanceof String s ? s : null;
  }

  /** Puts the namespace's objects right; see the class comment. */
  void resync() {
    try {
      noCrd = false;
      List<GenericKubernetesResource> listed = objects().list().getItems();
      Map<String, GenericKubernetesResource> byName = new HashMap<>();
      listed.forEach(o -> byName.put(o.getMetadata().getName(), o));
      for (Wanted w : wanted.values()) {
        GenericKubernetesResource o = byName.get(nameFor(w.ip()));
        if (o == null || !node.equals(nodeOf(o))) {
          written.remove(w.ip());
        }
        write(w);
      }
      Set<String> live = members.get();
      boolean collector = !live.isEmpty() && node.equals(java.util.Collections.min(live));
      Set<String> mine = new LinkedHashSet<>();
      wanted.keySet().forEach(ip -> mine.add(nameFor(ip)));
      for (GenericKubernetesResource o : listed) {
        String owner = nodeOf(o);
        String name = o.getMetadata().getName();
        boolean stale =
            (node.equals(owner) && !mine.contains(name))
                || (collector && owner != null && !live.contains(owner));
        if (stale) {
          objects().withName(name).delete();
          log.info("deleted the stale Announcement {} (node {})", name, Objects.toString(owner));
        }
      }
    } catch (KubernetesClientException e) {
      failed("list the Announcements", e);
    } catch (RuntimeException e) {
      log.warn("Announcement resync failed: {}", e.toString());
    }
  }

  /** Waits until what was handed over so far has been written (tests). */
  void flushForTest() throws Exception {
    executor.submit(() -> {}).get(10, TimeUnit.SECONDS);
  }

  /** Lets what was handed over finish (a second at most), then stops. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
