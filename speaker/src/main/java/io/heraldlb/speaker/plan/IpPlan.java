package io.heraldlb.speaker.plan;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.election.ElectionResult;
import java.util.List;
import java.util.Optional;

/**
 * The election's answer for one address.
 *
 * @param services the Services using it (several when shared), sorted
 * @param pool the pool it lies in; empty when no pool holds it (then nobody announces it)
 * @param poolInterfaces the interfaces the advertisements covering the winner name; empty: the
 *     node's default interfaces
 */
public record IpPlan(
    IpAddress ip,
    List<ServiceInfo> services,
    Optional<String> pool,
    List<String> poolInterfaces,
    ElectionResult result) {

  public IpPlan {
    services = List.copyOf(services);
    poolInterfaces = List.copyOf(poolInterfaces);
  }

  public boolean wonBy(String node) {
    return result.winner().filter(node::equals).isPresent();
  }

  /** {@code ns/name} of each Service, for logs and metrics. */
  public String serviceNames() {
    return String.join(",", services.stream().map(ServiceInfo::key).toList());
  }
}
