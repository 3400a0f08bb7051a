package io.heraldlb.allocator;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * A keyed work queue for one worker. Keys are de-duplicated (a key waiting once is processed once,
 * in first-added order); a key can be put off until a later time (retries). Retry <em>state</em>
 * (how often a key failed) lives here; the retry <em>policy</em> is {@link Backoff}.
 */
final class WorkQueue<K> {
  private final LinkedHashSet<K> ready = new LinkedHashSet<>();
  private final Map<K, Long> delayed = new HashMap<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final Clock clock;

  WorkQueue(Clock clock) {
    this.clock = clock;
  }

  synchronized void add(K key) {
    delayed.remove(key);
    if (ready.add(key)) {
      notifyAll();
    }
  }

  synchronized void addAfter(K key, Duration delay) {
    if (ready.contains(key)) {
      return;
    }
    long due = clock.millis() + delay.toMillis();
    delayed.merge(key, due, Math::min);
    notifyAll();
  }

  /** Counts a failure of {@code key} and returns how many in a row it has had. */
  synchronized int failed(K key) {
    return failures.merge(key, 1, Integer::sum);
  }

  synchronized void succeeded(K key) {
    failures.remove(key);
  }

  /** Waits for the next key that is due. */
  synchronized K take() throws InterruptedException {
    while (true) {
      long now = clock.millis();
      long nextDue = Long.MAX_VALUE;
      for (Iterator<Map.Entry<K, Long>> it = delayed.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<K, Long> e = it.next();
        if (e.getValue() <= now) {
          ready.add(e.getKey());
          it.remove();
        } else {
          nextDue = Math.min(nextDue, e.getValue());
        }
      }
      if (!ready.isEmpty()) {
        Iterator<K> it = ready.iterator();
        K key = it.next();
        it.remove();
        return key;
      }
      if (nextDue == Long.MAX_VALUE) {
        wait();
      } else {
        wait(Math.max(1, nextDue - now));
      }
    }
  }

  /** Keys waiting now or later. */
  synchronized int depth() {
    return ready.size() + delayed.size();
  }

  /** Exponential backoff: {@code base * 2^(failures-1)}, capped. */
  record Backoff(Duration base, Duration max) {
    Duration after(int failures) {
      int shift = Math.min(Math.max(failures - 1, 0), 30);
      long millis = base.toMillis() << shift;
      return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
  }
}
