package io.heraldlb.speaker.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.heraldlb.kube.EventWriter;
import io.heraldlb.runtime.DaemonThreads;
import io.heraldlb.speaker.plan.ServiceInfo;
import java.time.Clock;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The speaker's Events, written by the shared {@link EventWriter} on a thread of their own: an API
 * server that is slow or gone must not hold up announcing.
 */
public final class KubeEvents implements EventSink, AutoCloseable {
  private final ThreadPoolExecutor executor =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(), // bounded by the writer's backlog
          DaemonThreads.named("events"));
  private final EventWriter writer;

  public KubeEvents(KubernetesClient client, String node, Clock clock) {
    this.writer = new EventWriter(client, executor, clock, "speaker", node, node);
  }

  @Override
  public void emit(ServiceInfo service, boolean warning, String reason, String message) {
    writer.emit(
        EventWriter.Target.service(service.namespace(), service.name(), service.uid()),
        warning,
        reason,
        message);
  }

  /** A Warning about a Node (its Events live in {@code default}). */
  public void emitOnNode(String node, String reason, String message) {
    writer.emit(EventWriter.Target.node(node, null), true, reason, message);
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
