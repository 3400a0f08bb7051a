package io.heraldlb.speaker.kube;

import io.heraldlb.config.PoolConfig;
import io.heraldlb.speaker.plan.ClusterSnapshot;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Where the recompute loop gets its facts: the informer caches, or a fake in tests. */
public interface ClusterSource {

  /** The pool ConfigMap's data, or null when there is none. */
  @Nullable Map<String, String> configMapData();

  ClusterSnapshot snapshot(Set<String> members, PoolConfig config);
}
