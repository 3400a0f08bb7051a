package io.heraldlb.allocator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates core/v1 Events through the {@link WriteQueue}, after the writes users wait for, so the
 * reconcile loop never waits for them. One Event per distinct condition: the same reason and
 * message for the same object is not repeated. Events are best effort: when the API is down or the
 * backlog is full they are dropped (counted).
 */
final class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_REMEMBERED = 50_000;
  private static final int MAX_BACKLOG = 10_000;

  private final KubernetesClient client;
  private final String component;
  private final String instance;
  private final WriteQueue queue;
  private final AtomicInteger backlog = new AtomicInteger();
  private final Map<String, String> lastByObject =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };
  final AtomicLong dropped = new AtomicLong();

  EventRecorder(KubernetesClient client, WriteQueue queue, String component, String instance) {
    this.client = client;
    this.queue = queue;
    this.component = component;
    this.instance = instance;
  }

  void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  /** Forgets what was said about {@code object}, so the next condition is reported again. */
  synchronized void forget(HasMetadata object) {
    lastByObject.remove(uidOrName(object));
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    String condition = type + "/" + reason + "/" + message;
    synchronized (this) {
      if (condition.equals(lastByObject.put(uidOrName(object), condition))) {
        return;
      }
    }
    if (backlog.incrementAndGet() > MAX_BACKLOG) {
      backlog.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    Event event = build(object, type, reason, truncate(message));
    queue.execute(WriteQueue.Priority.EVENT, () -> send(event));
  }

  private Event build(HasMetadata object, String type, String reason, String message) {
    String now = Instant.now().toString();
    String namespace = object.getMetadata().getNamespace();
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(object.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()))
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(object.getApiVersion())
                .withKind(object.getKind())
                .withNamespace(namespace)
                .withName(object.getMetadata().getName())
                .withUid(object.getMetadata().getUid())
                .withResourceVersion(object.getMetadata().getResourceVersion())
                .build())
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource()
        .withComponent(component)
        .endSource()
        .withReportingComponent(component)
        .withReportingInstance(instance)
        .build();
  }

  private void send(Event event) {
    backlog.decrementAndGet();
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (RuntimeException e) {
      dropped.incrementAndGet();
      log.debug("could not record event {}: {}", event.getReason(), e.toString());
    }
  }

  private static String uidOrName(HasMetadata o) {
    String uid = o.getMetadata().getUid();
    return uid != null
        ? uid
        : o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private static String truncate(String message) {
    return message.length() <= 1024 ? message : message.substring(0, 1000) + "... (truncated)";
  }
}
