package io.heraldlb.allocator.ipam;

import io.heraldlb.config.Family;
import io.heraldlb.config.IpAddress;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the IPAM core needs to know about one LoadBalancer Service, already extracted from the
 * Kubernetes object at the edge.
 *
 * @param key the Service
 * @param labels its labels (for pool service-selectors)
 * @param namespaceLabels the labels of its namespace (for pool namespace-selectors)
 * @param families {@code spec.ipFamilies} in order; may be empty when unknown
 * @param policy {@code spec.ipFamilyPolicy}
 * @param requestedIps IPs asked for by annotation or {@code spec.loadBalancerIP}; empty for any
 * @param requestedPool the pool asked for by annotation, or {@code null}
 * @param sharingKey the allow-shared-ip key, or {@code null}
 * @param ports its ports
 * @param localTraffic {@code externalTrafficPolicy: Local}
 * @param backendKey for Local traffic, a canonical form of the pod selector; otherwise ""
 * @param currentIps the IPs already in its status (kept across restarts when still valid)
 */
public record ServiceRequest(
    ServiceKey key,
    Map<String, String> labels,
    Map<String, String> namespaceLabels,
    List<Family> families,
    FamilyPolicy policy,
    List<IpAddress> requestedIps,
    @Nullable String requestedPool,
    @Nullable String sharingKey,
    List<Port> ports,
    boolean localTraffic,
    String backendKey,
    List<IpAddress> currentIps) {

  public ServiceRequest {
    labels = Map.copyOf(labels);
    namespaceLabels = Map.copyOf(namespaceLabels);
    families = List.copyOf(families);
    requestedIps = List.copyOf(requestedIps);
    ports = List.copyOf(ports);
    currentIps = List.copyOf(currentIps);
    backendKey = localTraffic ? backendKey : "";
  }

  /** A plain IPv4-or-whatever, no-request, no-sharing Service: the common case in tests. */
  public static ServiceRequest simple(String namespace, String name) {
    return new ServiceRequest(
        new ServiceKey(namespace, name),
        Map.of(),
        Map.of(),
        List.of(),
        FamilyPolicy.SINGLE_STACK,
        List.of(),
        null,
        null,
        List.of(new Port("TCP", 80)),
        false,
        "",
        List.of());
  }
}
