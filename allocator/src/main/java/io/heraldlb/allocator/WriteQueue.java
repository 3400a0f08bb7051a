package io.heraldlb.allocator;

import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that write to the API server, shared by statuses, annotations and Events, in that
 * order of priority: what a user waits for (the EXTERNAL-IP) goes out before what explains it.
 * Within a priority, first come first served.
 */
final class WriteQueue implements AutoCloseable {
  enum Priority {
    STATUS,
    ANNOTATION,
    EVENT
  }

  private final AtomicLong sequence = new AtomicLong();
  private final ThreadPoolExecutor executor;

  WriteQueue(int threads) {
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
      executor.execute(new Task(priority, sequence.getAndIncrement(), task));
    } catch (RejectedExecutionException e) {
      // Closing: whoever leads next rebuilds and writes what is still missing.
    }
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

  /** Drops what is still queued and waits briefly for writes in flight. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
