package io.heraldlb.it.lab;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling it; the only place in the lab that pauses. */
public final class Await {
  private static final Duration POLL = Duration.ofMillis(10);

  private Await() {}

  /** Polls until the supplier returns a value, or throws naming what was awaited. */
  public static <T> T value(String what, Duration timeout, Supplier<Optional<T>> probe) {
    return value(what, timeout, POLL, probe);
  }

  /** As {@link #value(String, Duration, Supplier)}, probing every {@code poll}: costly probes. */
  public static <T> T value(
      String what, Duration timeout, Duration poll, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new LabException("gave up after " + timeout.toMillis() + " ms waiting for " + what);
      }
      pause(poll);
    }
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, POLL, condition);
  }

  public static void until(
      String what, Duration timeout, Duration poll, BooleanSupplier condition) {
    value(
        what, timeout, poll, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty());
  }

  public static void pause(Duration poll) {
    try {
      Thread.sleep(poll.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while waiting", e);
    }
  }
}
