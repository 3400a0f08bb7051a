package io.heraldlb.speaker.announce;

import io.heraldlb.config.IpAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * When to send gratuitous ARP / unsolicited NA for each address this node has won: at once, then
 * every {@link #BURST_INTERVAL} while less than {@link #BURST_LENGTH} has passed since winning
 * (neighbours that missed the first one, switches that learn late), then every {@code refresh}
 * (zero: never). Time comes in as arguments, so tests need no clock and no sleep. Not thread-safe:
 * one announcer thread owns it.
 */
public final class AnnounceSchedule {

  public static final Duration BURST_INTERVAL = Duration.ofMillis(1100);
  public static final Duration BURST_LENGTH = Duration.ofSeconds(5);

  /** {@code next} is null once the burst is over and refresh is off. */
  private record Entry(IpAddress ip, Instant wonAt, @Nullable Instant next) {}

  private static final Comparator<Entry> BY_TIME =
      Comparator.comparing(Entry::next).thenComparing(Entry::ip);

  private final Duration refresh;
  private final Map<IpAddress, Entry> won = new HashMap<>();

  /** Entries that have a next announcement, soonest first. */
  private final TreeSet<Entry> queue = new TreeSet<>(BY_TIME);

  /**
   * @param refresh the period after the first burst; {@link Duration#ZERO} turns it off
   */
  public AnnounceSchedule(Duration refresh) {
    if (refresh.isNegative()) {
      throw new IllegalArgumentException("refresh period is negative: " + refresh);
    }
    this.refresh = refresh;
  }

  /** Starts announcing {@code ip}, due at once; no change if it is already won. */
  public void win(IpAddress ip, Instant now) {
    if (won.containsKey(ip)) {
      return;
    }
    Entry e = new Entry(ip, now, now);
    won.put(ip, e);
    queue.add(e);
  }

  /** Stops announcing {@code ip} at once. */
  public void lose(IpAddress ip) {
    Entry e = won.remove(ip);
    if (e != null && e.next() != null) {
      queue.remove(e);
    }
  }

  /** Brings the won set to {@code ips}: new ones are won now, missing ones lost. */
  public void retainOnly(Set<IpAddress> ips, Instant now) {
    for (IpAddress ip : List.copyOf(won.keySet())) {
      if (!ips.contains(ip)) {
        lose(ip);
      }
    }
    ips.forEach(ip -> win(ip, now));
  }

  public Set<IpAddress> won() {
    return Set.copyOf(won.keySet());
  }

  /**
   * The addresses to announce now, soonest first, each once however late the call; their next
   * announcement is scheduled from {@code now}, so a stalled caller gets no catch-up storm.
   */
  public List<IpAddress> due(Instant now) {
    List<IpAddress> out = new ArrayList<>();
    while (!queue.isEmpty()) {
      Instant at = queue.first().next();
      if (at != null && at.isAfter(now)) {
        break;
      }
      Entry e = queue.pollFirst();
      out.add(e.ip());
      Optional<Instant> next = after(e.wonAt(), now);
      Entry moved = new Entry(e.ip(), e.wonAt(), next.orElse(null));
      won.put(e.ip(), moved);
      next.ifPresent(t -> queue.add(moved));
    }
    return out;
  }

  /** When {@link #due} next has something, or empty if nothing is scheduled. */
  public Optional<Instant> nextDue() {
    return queue.isEmpty() ? Optional.empty() : Optional.ofNullable(queue.first().next());
  }

  /** The first slot after {@code sentAt}: the next burst tick, else a refresh, else none. */
  private Optional<Instant> after(Instant wonAt, Instant sentAt) {
    long sinceWin = Duration.between(wonAt, sentAt).toNanos();
    long tick = BURST_INTERVAL.toNanos();
    Instant nextTick = wonAt.plusNanos((sinceWin / tick + 1) * tick);
    if (nextTick.isBefore(wonAt.plus(BURST_LENGTH))) {
      return Optional.of(nextTick);
    }
    return refresh.isZero() ? Optional.empty() : Optional.of(sentAt.plus(refresh));
  }
}
