package io.heraldlb.speaker.kube;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Lets one Event through per distinct condition: a Service's reason with the same message passes
 * again only after {@code repeatAfter}. A flapping condition thus costs one Event per change, not
 * one per recompute. Thread-safe.
 */
public final class EventGate {
  private record Last(String message, Instant at) {}

  private final Clock clock;
  private final Duration repeatAfter;
  private final Map<String, Last> last = new HashMap<>();

  public EventGate(Clock clock, Duration repeatAfter) {
    this.clock = clock;
    this.repeatAfter = repeatAfter;
  }

  public synchronized boolean allow(String serviceKey, String reason, String message) {
    String key = serviceKey + "\0" + reason;
    Instant now = clock.instant();
    Last before = last.get(key);
    if (before != null
        && before.message().equals(message)
        && before.at().plus(repeatAfter).isAfter(now)) {
      return false;
    }
    last.put(key, new Last(message, now));
    if (last.size() > 10_000) {
      last.values().removeIf(l -> l.at().plus(repeatAfter).isBefore(now));
    }
    return true;
  }
}
