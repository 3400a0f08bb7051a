package io.heraldlb.speaker.election;

import java.util.Objects;
import java.util.Set;

/**
 * What the election needs to know about the Service(s) using an address.
 *
 * @param nodesWithEndpoint names of the nodes hosting a ready or serving endpoint; only read for
 *     {@link TrafficPolicy#LOCAL}
 */
public record ServiceFacts(TrafficPolicy trafficPolicy, Set<String> nodesWithEndpoint) {

  public ServiceFacts {
    Objects.requireNonNull(trafficPolicy, "trafficPolicy");
    nodesWithEndpoint = Set.copyOf(nodesWithEndpoint);
  }

  public static ServiceFacts cluster() {
    return new ServiceFacts(TrafficPolicy.CLUSTER, Set.of());
  }

  public static ServiceFacts local(Set<String> nodesWithEndpoint) {
    return new ServiceFacts(TrafficPolicy.LOCAL, nodesWithEndpoint);
  }
}
