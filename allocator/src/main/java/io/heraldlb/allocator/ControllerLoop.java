package io.heraldlb.allocator;

import io.heraldlb.allocator.ipam.ServiceKey;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allocator's one worker: takes a key from the {@link WorkQueue}, has the {@link Reconciler}
 * decide, and acts on the result: done, again after a backoff, or every Service again. Failed
 * writes come back the same way ({@link #writeDone}). The reconciler never sees the queue's timing,
 * and the loop never sees a Service.
 */
final class ControllerLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ControllerLoop.class);

  private final WorkQueue<WorkKey> queue;
  private final WorkQueue.Backoff backoff;
  private final AllocatorMetrics metrics;
  private @Nullable Reconciler reconciler; // set once, by reconcilingWith, before run
  private Predicate<ServiceKey> writing = k -> false;

  ControllerLoop(WorkQueue<WorkKey> queue, WorkQueue.Backoff backoff, AllocatorMetrics metrics) {
    this.queue = queue;
    this.backoff = backoff;
    this.metrics = metrics;
  }

  /**
   * @param writing whether a write for a Service is queued or in flight (it reports its own
   *     outcome)
   */
  ControllerLoop reconcilingWith(Reconciler reconciler, Predicate<ServiceKey> writing) {
    this.reconciler = reconciler;
    this.writing = writing;
    return this;
  }

  /** Called by the {@link StatusWriter} after each write. */
  void writeDone(ServiceKey key, boolean ok) {
    WorkKey k = WorkKey.of(key);
    if (ok) {
      queue.succeeded(k);
    } else {
      metrics.statusWriteErrors.inc();
      queue.addAfter(k, backoff.after(queue.failed(k)));
    }
  }

  @Override
  public void run() {
    Reconciler reconciler = this.reconciler;
    if (reconciler == null) {
      throw new IllegalStateException("run before reconcilingWith");
    }
    queue.add(WorkKey.Config.INSTANCE);
    while (!Thread.currentThread().isInterrupted()) {
      WorkKey key;
      try {
        key = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long start = System.nanoTime();
      Reconciler.Result result;
      try {
        result = reconciler.reconcile(key);
      } catch (RuntimeException e) {
        log.error("reconciling {} failed", key, e);
        result = new Reconciler.Result.Retry();
      }
      metrics.reconcileSeconds.observe((System.nanoTime() - start) / 1e9);
      if (result instanceof Reconciler.Result.Retry) {
        queue.addAfter(key, backoff.after(queue.failed(key)));
      } else {
        // A write just queued for this key reports its own outcome: resetting the failure count
        // here would keep retries of a failing write at the first backoff step forever.
        if (!(key instanceof WorkKey.Service s && writing.test(s.key()))) {
          queue.succeeded(key);
        }
        if (result instanceof Reconciler.Result.ReprocessAll) {
          reconciler.everything().forEach(queue::add);
        }
      }
      reconciler.publishMetrics();
    }
  }
}
