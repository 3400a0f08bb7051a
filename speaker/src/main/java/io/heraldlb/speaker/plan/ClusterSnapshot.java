package io.heraldlb.speaker.plan;

import io.heraldlb.config.PoolConfig;
import io.heraldlb.speaker.election.NodeFacts;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything an announcement decision depends on, copied out of the informer caches and the
 * membership view at one moment. Same snapshot, same decisions, on every node.
 *
 * @param endpointNodes by Service key: the nodes with a ready or serving endpoint
 * @param members node names of the live speakers
 */
public record ClusterSnapshot(
    List<ServiceInfo> services,
    Map<String, Set<String>> endpointNodes,
    Map<String, NodeFacts> nodes,
    PoolConfig config,
    Set<String> members) {

  public ClusterSnapshot {
    services = List.copyOf(services);
    endpointNodes = Map.copyOf(endpointNodes);
    nodes = Map.copyOf(nodes);
    members = Set.copyOf(members);
  }
}
