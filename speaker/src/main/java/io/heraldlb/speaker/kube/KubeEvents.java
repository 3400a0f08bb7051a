package io.heraldlb.speaker.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.heraldlb.speaker.plan.ServiceInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events on a thread of their own. The queue is bounded and drops when full: an API
 * server that is slow or gone must not hold up announcing, and Events are advisory.
 */
public final class KubeEvents implements EventSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubeEvents.class);

  private final KubernetesClient client;
  private final String node;
  private final Clock clock;
  private final EventGate gate;
  private final ThreadPoolExecutor executor =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(1000),
          r -> {
            Thread t = new Thread(r, "events");
            t.setDaemon(true);
            return t;
          },
          new ThreadPoolExecutor.DiscardPolicy());

  public KubeEvents(KubernetesClient client, String node, Clock clock) {
    this.client = client;
    this.node = node;
    this.clock = clock;
    this.gate = new EventGate(clock, Duration.ofMinutes(10));
  }

  @Override
  public void emit(ServiceInfo service, boolean warning, String reason, String message) {
    if (gate.allow(service.key(), reason, message)) {
      executor.execute(() -> create(service, warning, reason, message));
    }
  }

  private void create(ServiceInfo svc, boolean warning, String reason, String message) {
    try {
      client
          .v1()
          .events()
          .inNamespace(svc.namespace())
          .resource(event(svc, warning, reason, message))
          .create();
    } catch (RuntimeException e) {
      log.debug("cannot write Event {} on {}: {}", reason, svc.key(), e.toString());
    }
  }

  Event event(ServiceInfo svc, boolean warning, String reason, String message) {
    String now = clock.instant().toString();
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(svc.namespace())
        .withName(svc.name() + "." + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT))
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("v1")
        .withKind("Service")
        .withNamespace(svc.namespace())
        .withName(svc.name())
        .withUid(svc.uid())
        .endInvolvedObject()
        .withType(warning ? "Warning" : "Normal")
        .withReason(reason)
        .withMessage(message)
        .withNewSource()
        .withComponent("heraldlb-speaker")
        .withHost(node)
        .endSource()
        .withReportingComponent("heraldlb.io/speaker")
        .withReportingInstance(node)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
