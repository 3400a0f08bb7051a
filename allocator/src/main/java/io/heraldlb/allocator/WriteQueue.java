package io.heraldlb.allocator;

import java.time.Duration;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that write to the API server, shared by statuses, annotations and Events, in that
 * order of priority: what a user waits for (the EXTERNAL-IP) goes out before what explains it.
 * Within a priority, first come first served. Each write starts only while {@code mayWrite} says
 * this replica still holds the Lease; while it does not, the writers wait (the next renewal opens
 * the fence again, or the replica stops leading and {@link #drain} ends the wait). A write is never
 * dropped while this replica goes on leading: nothing would write it again, and its Service would
 * stay without its address.
 */
final class WriteQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriteQueue.class);

  /** How often a writer held by the fence looks again. */
  static final Duration FENCE_POLL = Duration.ofMillis(20);

  enum Priority {
    STATUS,
    ANNOTATION,
    EVENT
  }

  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong fenced = new AtomicLong();
  private final AtomicLong held = new AtomicLong();
  private final ThreadPoolExecutor executor;
  private final BooleanSupplier mayWrite;

  WriteQueue(int threads, BooleanSupplier mayWrite) {
    this.mayWrite = mayWrite;
    executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            new PriorityBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "api-writer");
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues {@code task}; after {@link #close()} nothing is written any more. */
  void execute(Priority priority, Runnable task) {
    try {
      executor.execute(new Task(priority, sequence.getAndIncrement(), () -> fenced(task)));
    } catch (RejectedExecutionException e) {
      // Closing: whoever leads next rebuilds and writes what is still missing.
    }
  }

  /**
   * Runs {@code task} once the fence is open; if this replica stops leading first, drops it:
   * whoever leads next writes it.
   */
  private void fenced(Runnable task) {
    boolean waited = false;
    while (!mayWrite.getAsBoolean()) {
      if (executor.isShutdown()) {
        fenced.incrementAndGet();
        return;
      }
      if (!waited) {
        waited = true;
        if (held.getAndIncrement() % 1000 == 0) {
          log.warn(
              "holding writes: the Lease's last renewal is older than the renew deadline;"
                  + " they go out once it is renewed");
        }
      }
      try {
        Thread.sleep(FENCE_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fenced.incrementAndGet();
        return;
      }
    }
    task.run();
  }

  /** Writes dropped because this replica stopped leading while the fence held them. */
  long fencedWrites() {
    return fenced.get();
  }

  /** Writes that had to wait for a renewal of the Lease before they went out. */
  long heldWrites() {
    return held.get();
  }

  int pending() {
    return executor.getQueue().size();
  }

  private record Task(Priority priority, long sequence, Runnable body)
      implements Runnable, Comparable<Task> {
    @Override
    public void run() {
      body.run();
    }

    @Override
    public int compareTo(Task o) {
      int c = priority.compareTo(o.priority);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  /**
   * Drops what is still queued and waits up to {@code wait} for writes in flight.
   *
   * @return whether no write is in flight any more
   */
  boolean drain(Duration wait) {
    // Not shutdownNow: interrupting a write stops the wait for its answer, not the API server
    // from applying it.
    executor.getQueue().clear();
    executor.shutdown();
    try {
      return executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    drain(Duration.ofSeconds(5));
  }
}
