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
 * The pool configuration in force: each new content of its sources (HeraldLB's ConfigMap, MetalLB's
 * objects; see {@link PoolSource} for which wins) is parsed once; an invalid one, or the sources'
 * deletion, is logged and ignored, so announcing goes on under the last good configuration. Until a
 * first good one arrives there are no pools, and no address is announced.
 */
public final class ConfigTracker {
  private static final Logger log = LoggerFactory.getLogger(ConfigTracker.class);

  private final String configMap;
  private final String metalLbNamespace;
  private PoolSource.@Nullable Inputs lastSeen;
  private @Nullable String lastIgnored;
  private PoolConfig current = PoolConfig.EMPTY;
  private boolean stale;

  /**
   * @param configMap {@code namespace/name} of the pool ConfigMap, for messages
   * @param metalLbNamespace where MetalLB's objects are read from, for messages
   */
  public ConfigTracker(String configMap, String metalLbNamespace) {
    this.configMap = configMap;
    this.metalLbNamespace = metalLbNamespace;
  }

  /** With the default names: for tests. */
  public ConfigTracker() {
    this("heraldlb-system/heraldlb-config", "metallb-system");
  }

  /**
   * @param data the ConfigMap's data, or null when there is no ConfigMap (and no MetalLB objects)
   */
  public PoolConfig update(@Nullable Map<String, String> data) {
    return update(PoolSource.Inputs.configMap(data));
  }

  public PoolConfig update(PoolSource.Inputs inputs) {
    if (inputs.equals(lastSeen)) {
      return current;
    }
    lastSeen = inputs;
    PoolSource.Choice choice = PoolSource.choose(inputs, configMap, metalLbNamespace);
    if (!Objects.equals(choice.ignored(), lastIgnored) && choice.ignored() != null) {
      log.info("{}", choice.ignored());
    }
    lastIgnored = choice.ignored();
    ParseResult result = choice.result();
    if (result == null) {
      // Its peers may still hold the last good configuration: electing from anything else
      // would let two speakers, or none, answer for an address.
      stale = current != PoolConfig.EMPTY;
      if (stale) {
        log.warn("no pool configuration in {}: keeping the last good one", choice.from());
      }
      return current;
    }
    if (result instanceof ParseResult.Valid v) {
      current = v.config();
      stale = false;
      v.config().notes().forEach(n -> log.warn("{}: {}", choice.from(), n));
      log.info(
          "pool configuration loaded from {}: {}",
          choice.from(),
          v.config().pools().stream().map(p -> p.name()).toList());
    } else {
      stale = true;
      log.error(
          "the pool configuration in {} is invalid, keeping the last good one: {}",
          choice.from(),
          ((ParseResult.Invalid) result).errors());
    }
    return current;
  }

  public PoolConfig current() {
    return current;
  }

  /** True while the configuration is invalid or gone and an older one is used. */
  public boolean stale() {
    return stale;
  }
}
