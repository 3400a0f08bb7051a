package io.heraldlb.speaker.election;

import java.util.Map;
import java.util.Set;

/**
 * The address-independent inputs of the election: who is in the speaker group and what the API says
 * about the nodes.
 *
 * @param liveMembers node names of the speakers currently in the membership view
 * @param nodes the known nodes by name
 */
public record ClusterFacts(Set<String> liveMembers, Map<String, NodeFacts> nodes) {
  public ClusterFacts {
    liveMembers = Set.copyOf(liveMembers);
    nodes = Map.copyOf(nodes);
    nodes.forEach(
        (name, facts) -> {
          if (!name.equals(facts.name())) {
            throw new IllegalArgumentException("node " + facts.name() + " filed under " + name);
          }
        });
  }
}
