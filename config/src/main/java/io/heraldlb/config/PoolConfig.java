package io.heraldlb.config;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A validated pool configuration: pools in their deterministic order (priority, then name).
 *
 * @param pools the pools, ordered
 * @param source which ConfigMap key it came from ({@code pools.conf} or {@code config})
 * @param notes things worth logging that are not errors (e.g. which key won)
 */
public record PoolConfig(List<Pool> pools, String source, List<String> notes) {

  public static final Comparator<Pool> ORDER =
      Comparator.comparingInt(Pool::priority).thenComparing(Pool::name);

  public static final PoolConfig EMPTY = new PoolConfig(List.of(), "none", List.of());

  public PoolConfig {
    pools = pools.stream().sorted(ORDER).toList();
    notes = List.copyOf(notes);
  }

  public Optional<Pool> pool(String name) {
    return pools.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The pool holding {@code address}; pools never overlap, so there is at most one. */
  public Optional<Pool> poolOf(IpAddress address) {
    return pools.stream().filter(p -> p.contains(address)).findFirst();
  }
}
