package io.heraldlb.speaker.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
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
import java.util.Optional;
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
 * written it already). Changes queue by address, so a burst of thousands, or an address that flaps,
 * costs one write per address, however far the API server lags.
 *
 * <p>After the first plan, and every {@link #RESYNC}, the objects labelled with this node are
 * listed and put right: this node's addresses written where missing or wrong (a failed write, an
 * object deleted by hand) and left alone where already right (a restarted speaker rewrites
 * nothing), objects naming this node for addresses it no longer announces deleted, and, by the
 * first live speaker in name order only, objects of nodes that left the group (a speaker killed
 * before it could clean up). Without the CRD (an install that predates it) it logs once and writes
 * nothing.
 */
public final class KubeAnnouncements implements AnnouncementSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubeAnnouncements.class);

  static final ResourceDefinitionContext CONTEXT = StatusObjects.ANNOUNCEMENTS;

  static final Duration RESYNC = Duration.ofSeconds(60);
  static final String FIELD_MANAGER = "heraldlb-speaker";
  static final String NODE_LABEL = "heraldlb.io/node";

  /** Objects per page of a listing. */
  static final long PAGE = 500;

  /** What one address's object should say. */
  record Wanted(IpAddress ip, List<String> interfaces, List<String> services, Instant since) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String node;
  private final Supplier<Set<String>> members;
  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("announcements"));

  /** Changes not yet taken by the executor, by address: empty for a stopped one. */
  private final Map<IpAddress, Optional<Wanted>> queued = new LinkedHashMap<>();

  private boolean draining;

  /** Only on the executor's thread, as are the two below. */
  private final Map<IpAddress, Wanted> wanted = new HashMap<>();

  private final Map<IpAddress, Wanted> written = new HashMap<>();

  /** Whether the objects were listed once: until then what a change wants is only noted. */
  private boolean listed;

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
    queue(ip, Optional.of(new Wanted(ip, List.copyOf(interfaces), List.copyOf(services), now)));
  }

  @Override
  public void stopped(IpAddress ip) {
    queue(ip, Optional.empty());
  }

  private synchronized void queue(IpAddress ip, Optional<Wanted> change) {
    queued.put(ip, change);
    if (!draining) {
      draining = true;
      executor.execute(this::drain);
    }
  }

  /** On the executor: applies what was queued, the last change of each address. */
  private void drain() {
    Map<IpAddress, Optional<Wanted>> batch;
    synchronized (this) {
      batch = new LinkedHashMap<>(queued);
      queued.clear();
      draining = false;
    }
    batch.forEach(
        (ip, change) -> {
          if (change.isPresent()) {
            Wanted before = wanted.get(ip);
            Wanted w = change.get();
            if (before != null) {
              w = new Wanted(ip, w.interfaces(), w.services(), before.since());
            }
            wanted.put(ip, w);
            if (listed) {
              write(w);
            }
          } else {
            wanted.remove(ip);
            written.remove(ip);
            deleteIfMine(ip);
          }
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
            .addToLabels(NODE_LABEL, node)
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

  /** What {@code object} says, if it names this node and reads as this class writes it. */
  private @Nullable Wanted says(GenericKubernetesResource object) {
    if (!(object.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
        || !node.equals(status.get("node"))
        || !(status.get("ip") instanceof String text)
        || !(status.get("since") instanceof String since)) {
      return null;
    }
    IpAddress ip = IpAddress.tryParse(text);
    List<String> interfaces = strings(status.get("interfaces"));
    List<String> services = strings(status.get("services"));
    if (ip == null || interfaces == null || services == null) {
      return null;
    }
    try {
      return new Wanted(ip, interfaces, services, Instant.parse(since));
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static @Nullable List<String> strings(@Nullable Object value) {
    if (!(value instanceof List<?> list)) {
      return value == null ? List.of() : null;
    }
    List<String> out = new java.util.ArrayList<>(list.size());
    for (Object o : list) {
      if (!(o instanceof String str)) {
        return null;
      }
      out.add(str);
    }
    return List.copyOf(out);
  }

  private static @Nullable String nodeOf(GenericKubernetesResource object) {
    Object status = object.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m && m.get("node") instanceof String s ? s : null;
  }

  /** What a listed object says, kept instead of the object while a listing is compared. */
  private record Seen(String name, @Nullable String owner, @Nullable Wanted says) {}

  /**
   * The objects {@code selection} selects, a page at a time (a listing of thousands is never held
   * whole), each reduced to what {@link #resync} compares.
   */
  private Map<String, Seen> list(
      FilterWatchListDeletable<
              GenericKubernetesResource,
              GenericKubernetesResourceList,
              Resource<GenericKubernetesResource>>
          selection) {
    Map<String, Seen> out = new HashMap<>();
    String token = null;
    do {
      GenericKubernetesResourceList page =
          selection.list(new ListOptionsBuilder().withLimit(PAGE).withContinue(token).build());
      for (GenericKubernetesResource o : page.getItems()) {
        String name = o.getMetadata().getName();
        out.put(name, new Seen(name, nodeOf(o), says(o)));
      }
      token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (token != null && !token.isEmpty());
    return out;
  }

  /**
   * Puts the objects right; see the class comment. Each speaker lists only the objects labelled
   * with its node, and the collector those labelled with no live speaker (or not at all): with
   * 10,000 addresses a speaker reads its own share, not every object, once a minute.
   */
  void resync() {
    try {
      noCrd = false;
      Map<String, Seen> ours = list(objects().withLabel(NODE_LABEL, node));
      listed = true;
      for (Map.Entry<IpAddress, Wanted> e : wanted.entrySet()) {
        Wanted w = e.getValue();
        Seen seen = ours.get(nameFor(w.ip()));
        Wanted there = seen == null ? null : seen.says();
        if (there != null
            && there.ip().equals(w.ip())
            && there.interfaces().equals(w.interfaces())
            && there.services().equals(w.services())) {
          // Already right (this node's object from before a restart): keep it and its since.
          e.setValue(there);
          written.put(w.ip(), there);
          continue;
        }
        written.remove(w.ip());
        write(w);
      }
      Set<String> mine = new LinkedHashSet<>();
      wanted.keySet().forEach(ip -> mine.add(nameFor(ip)));
      for (Seen o : ours.values()) {
        if (node.equals(o.owner()) && !mine.contains(o.name())) {
          deleteStale(o);
        }
      }
      Set<String> live = members.get();
      if (!live.isEmpty() && node.equals(java.util.Collections.min(live))) {
        for (Seen o :
            list(objects().withLabelNotIn(NODE_LABEL, live.toArray(String[]::new))).values()) {
          if (o.owner() != null && !live.contains(o.owner())) {
            deleteStale(o);
          }
        }
      }
    } catch (KubernetesClientException e) {
      failed("list the Announcements", e);
      writeUnlisted();
    } catch (RuntimeException e) {
      log.warn("Announcement resync failed: {}", e.toString());
      writeUnlisted();
    }
  }

  private void deleteStale(Seen o) {
    objects().withName(o.name()).delete();
    log.info("deleted the stale Announcement {} (node {})", o.name(), Objects.toString(o.owner()));
  }

  /** Without a listing to compare with, the first time: every wanted object is written. */
  private void writeUnlisted() {
    if (!listed) {
      listed = true;
      wanted.values().forEach(this::write);
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
