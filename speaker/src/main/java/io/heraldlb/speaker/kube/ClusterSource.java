package io.heraldlb.speaker.kube;

import io.heraldlb.config.PoolConfig;
import io.heraldlb.kube.PoolSource;
import io.heraldlb.speaker.plan.ClusterSnapshot;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Where the recompute loop gets its facts: the informer caches, or a fake in tests. */
public interface ClusterSource {

  /** The pool configuration's sources as the cluster holds them now. */
  PoolSource.Inputs poolInputs();

  /** {@code namespace/name} of the pool ConfigMap, for messages. */
  default String configMapName() {
    return "heraldlb-system/heraldlb-config";
  }

  /** Where MetalLB's objects are read from, for messages. */
  default String metalLbNamespace() {
    return "metallb-system";
  }

  ClusterSnapshot snapshot(Set<String> members, PoolConfig config);

  /** The labels of node {@code name}; empty when the node is not known (yet). */
  default Optional<Map<String, String>> nodeLabels(String name) {
    return Optional.empty();
  }
}
