package io.heraldlb.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.heraldlb.config.ConfigParser;
import io.heraldlb.config.ParseResult;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where both programs read the pool configuration from. Each read parses what the cluster holds
 * now; what to do with an invalid or missing configuration (keep the last good one) is the caller's
 * rule.
 */
public interface PoolSource {
  /** The configuration as the cluster holds it now, or empty when there is none. */
  Optional<ParseResult> read();

  /** The pool ConfigMap, as an informer cache (or anything else) supplies it; null: absent. */
  static PoolSource configMap(Supplier<ConfigMap> current) {
    return () -> Optional.ofNullable(current.get()).map(cm -> parse(cm.getData()));
  }

  /** The data of a pool ConfigMap; null (a ConfigMap without data) parses as empty. */
  static ParseResult parse(Map<String, String> data) {
    return ConfigParser.parse(data == null ? Map.of() : data);
  }
}
