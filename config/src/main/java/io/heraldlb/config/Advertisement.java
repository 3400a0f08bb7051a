package io.heraldlb.config;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One rule for where a pool's addresses are announced: a native pool's {@code node-selector} and
 * {@code interfaces}, or one MetalLB {@code L2Advertisement} that covers the pool. A pool with
 * several is announced from every node one of them covers.
 *
 * @param nodeSelector the nodes it covers; unset: every node
 * @param interfaces the interfaces to announce on; empty: the node's default interfaces
 */
public record Advertisement(LabelSelectors nodeSelector, List<String> interfaces) {

  public Advertisement {
    interfaces = List.copyOf(interfaces);
  }

  public boolean covers(@Nullable Map<String, String> nodeLabels) {
    return nodeSelector.allows(nodeLabels);
  }
}
