package io.heraldlb.speaker.plan;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.election.TrafficPolicy;
import java.util.List;
import java.util.Objects;

/**
 * What the speaker needs to know about a LoadBalancer Service that has addresses.
 *
 * @param uid for Events about it
 * @param ips its {@code status.loadBalancer.ingress} addresses
 */
public record ServiceInfo(
    String namespace, String name, String uid, List<IpAddress> ips, TrafficPolicy policy) {

  public ServiceInfo {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    ips = List.copyOf(ips);
    Objects.requireNonNull(policy, "policy");
  }

  /** {@code namespace/name}, also the key of its EndpointSlices. */
  public String key() {
    return namespace + "/" + name;
  }
}
