package io.heraldlb.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events for both programs, the same way: one Event per distinct condition (an
 * object's reason with the same message passes again only after {@link #REPEAT_AFTER}, so a
 * condition seen on every reconcile or recompute costs one Event, not one each time), messages cut
 * to what the API keeps, and never waiting: the writes run on the caller's {@link Executor}, at
 * most {@link #MAX_BACKLOG} pending, and are dropped (and counted) beyond that or when the API
 * fails. Events explain; they never hold up what users wait for. Thread-safe.
 */
public final class EventWriter {
  private static final Logger log = LoggerFactory.getLogger(EventWriter.class);

  public static final Duration REPEAT_AFTER = Duration.ofMinutes(10);
  static final int MAX_BACKLOG = 1000;
  static final int MAX_MESSAGE = 1024;
  private static final int MAX_REMEMBERED = 10_000;

  /** What an Event is about. */
  public record Target(
      String apiVersion,
      String kind,
      @Nullable String namespace,
      String name,
      @Nullable String uid) {
    public static Target of(HasMetadata o) {
      return new Target(
          o.getApiVersion(),
          o.getKind(),
          o.getMetadata().getNamespace(),
          o.getMetadata().getName(),
          o.getMetadata().getUid());
    }

    public static Target service(String namespace, String name, String uid) {
      return new Target("v1", "Service", namespace, name, uid);
    }

    /** A Node: cluster-scoped, so its Events live in {@code default}, as the kubelet's do. */
    public static Target node(String name, @Nullable String uid) {
      return new Target("v1", "Node", null, name, uid);
    }

    private String key() {
      return kind + "/" + namespace + "/" + name;
    }
  }

  private record Said(String message, Instant at) {}

  private final KubernetesClient client;
  private final Executor executor;
  private final Clock clock;
  private final String program;
  private final String instance;
  private final @Nullable String host;
  private final Map<String, Said> said = new HashMap<>();
  private final AtomicInteger backlog = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();

  /**
   * @param program {@code allocator} or {@code speaker}: the source is {@code heraldlb-<program>},
   *     the reporting component {@code heraldlb.io/<program>}
   * @param instance the replica or node that writes
   * @param host the node, for the speaker; null otherwise
   */
  public EventWriter(
      KubernetesClient client,
      Executor executor,
      Clock clock,
      String program,
      String instance,
      @Nullable String host) {
    this.client = client;
    this.executor = executor;
    this.clock = clock;
    this.program = program;
    this.instance = instance;
    this.host = host;
  }

  public void normal(HasMetadata object, String reason, String message) {
    emit(Target.of(object), false, reason, message);
  }

  public void warning(HasMetadata object, String reason, String message) {
    emit(Target.of(object), true, reason, message);
  }

  public void normal(Target target, String reason, String message) {
    emit(target, false, reason, message);
  }

  public void warning(Target target, String reason, String message) {
    emit(target, true, reason, message);
  }

  public void emit(Target target, boolean warning, String reason, String message) {
    String text = truncate(message);
    if (!firstSaying(target, reason, text)) {
      return;
    }
    if (backlog.incrementAndGet() > MAX_BACKLOG) {
      backlog.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    Event event = event(target, warning, reason, text);
    try {
      executor.execute(() -> send(event));
    } catch (RejectedExecutionException e) {
      backlog.decrementAndGet();
      dropped.incrementAndGet();
    }
  }

  /** Events not written: the backlog was full, the executor closed, or the API refused them. */
  public long dropped() {
    return dropped.get();
  }

  private synchronized boolean firstSaying(Target target, String reason, String message) {
    String key = target.key() + "\0" + reason;
    Instant now = clock.instant();
    Said before = said.get(key);
    if (before != null
        && before.message().equals(message)
        && before.at().plus(REPEAT_AFTER).isAfter(now)) {
      return false;
    }
    said.put(key, new Said(message, now));
    if (said.size() > MAX_REMEMBERED) {
      said.values().removeIf(s -> s.at().plus(REPEAT_AFTER).isBefore(now));
    }
    return true;
  }

  Event event(Target target, boolean warning, String reason, String message) {
    String now = clock.instant().toString();
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(target.namespace() == null ? "default" : target.namespace())
        .withName(
            target.name() + "." + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT))
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(target.apiVersion())
        .withKind(target.kind())
        .withNamespace(target.namespace())
        .withName(target.name())
        .withUid(target.uid())
        .endInvolvedObject()
        .withType(warning ? "Warning" : "Normal")
        .withReason(reason)
        .withMessage(message)
        .withNewSource()
        .withComponent("heraldlb-" + program)
        .withHost(host)
        .endSource()
        .withReportingComponent("heraldlb.io/" + program)
        .withReportingInstance(instance)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
  }

  private void send(Event event) {
    backlog.decrementAndGet();
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (RuntimeException e) {
      dropped.incrementAndGet();
      log.debug(
          "cannot write Event {} on {}: {}",
          event.getReason(),
          event.getInvolvedObject().getName(),
          e.toString());
    }
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE
        ? message
        : message.substring(0, MAX_MESSAGE - 16) + "... (truncated)";
  }
}
