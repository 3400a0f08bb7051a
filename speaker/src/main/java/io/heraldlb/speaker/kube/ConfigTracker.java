package io.heraldlb.speaker.kube;

import io.heraldlb.config.ParseResult;
import io.heraldlb.config.PoolConfig;
import io.heraldlb.kube.PoolSource;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool configuration in force: each new ConfigMap content is parsed once; an invalid one, or
 * the ConfigMap's deletion, is logged and ignored, so announcing goes on under the last good
 * configuration. Until a first good one arrives there are no pools, and no address is announced.
 */
public final class ConfigTracker {
  private static final Logger log = LoggerFactory.getLogger(ConfigTracker.class);

  private @Nullable Map<String, String> lastSeen;
  private PoolConfig current = PoolConfig.EMPTY;
  private boolean stale;

  /**
   * @param data the ConfigMap's data, or null when there is no ConfigMap
   */
  public PoolConfig update(@Nullable Map<String, String> data) {
    if (Objects.equals(data, lastSeen) && lastSeen != null) {
      return current;
    }
    lastSeen = data == null ? Map.of() : Map.copyOf(data);
    if (data == null) {
      // Its peers may still hold the last good configuration: electing from anything else
      // would let two speakers, or none, answer for an address.
      stale = current != PoolConfig.EMPTY;
      if (stale) {
        log.warn("pool ConfigMap is gone: keeping the last good configuration");
      }
      return current;
    }
    ParseResult result = PoolSource.parse(data);
    if (result instanceof ParseResult.Valid v) {
      current = v.config();
      stale = false;
      log.info(
          "pool configuration loaded from {}: {}",
          v.config().source(),
          v.config().pools().stream().map(p -> p.name()).toList());
    } else {
      stale = true;
      log.error(
          "pool ConfigMap is invalid, keeping the last good configuration: {}",
          ((ParseResult.Invalid) result).errors());
    }
    return current;
  }

  public PoolConfig current() {
    return current;
  }

  /** True while the ConfigMap is invalid and an older configuration is used. */
  public boolean stale() {
    return stale;
  }
}
