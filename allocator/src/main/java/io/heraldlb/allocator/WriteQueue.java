package io.heraldlb.allocator;

import java.time.Duration;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The threads that write to the API server, shared by statuses, annotations and Events, in that
 * order of priority: what a user waits for (the EXTERNAL-IP) goes out before what explains it.
 * Within a priority, first come first served. Each write starts only while {@code mayWrite} says
 * this replica still holds the Lease.
 */
final class WriteQueue implements AutoCloseable {
  enum Priority {
    STATUS,
    ANNOTATION,
    EVENT
  }

  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong fenced = new AtomicLong();
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

  /** Runs {@code task} unless leadership has lapsed: then whoever leads next writes it. */
  private void fenced(Runnable task) {
    if (mayWrite.getAsBoolean()) {
      task.run();
    } else {
      fenced.incrementAndGet();
    }
  }

  /** Writes dropped because this replica no longer held the Lease when their turn came. */
  long fencedWrites() {
    return fenced.get();
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
