package io.heraldlb.speaker.election;

import io.heraldlb.config.IpAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The winners of the previous plan, so that a recompute after a change to one Service does not hash
 * every address again. A rank depends only on the node name and the address, so an address whose
 * qualifying candidates are the same as last time has the same winner. What a plan round does not
 * look up is forgotten at its end; identical candidate lists are shared, so the memo costs one
 * small entry per address. Owned by one thread (the speaker's decision thread).
 */
public final class ElectionMemo {
  private record Entry(List<String> candidates, String winner) {}

  private Map<IpAddress, Entry> previous = new HashMap<>();
  private Map<IpAddress, Entry> current = new HashMap<>();
  private final Map<List<String>, List<String>> shared = new HashMap<>();

  /** Last round's winner for {@code ip}, if its candidates were {@code candidates} then too. */
  @Nullable String winner(IpAddress ip, List<String> candidates) {
    Entry e = previous.get(ip);
    if (e == null || !e.candidates().equals(candidates)) {
      return null;
    }
    shared.putIfAbsent(e.candidates(), e.candidates());
    current.put(ip, e);
    return e.winner();
  }

  void remember(IpAddress ip, List<String> candidates, String winner) {
    current.put(ip, new Entry(shared.computeIfAbsent(List.copyOf(candidates), c -> c), winner));
  }

  /** Ends a plan round: addresses it did not elect are forgotten. */
  public void endRound() {
    previous = current;
    current = new HashMap<>();
    shared.clear();
  }

  /** Addresses remembered from the last round. */
  int size() {
    return previous.size();
  }
}
