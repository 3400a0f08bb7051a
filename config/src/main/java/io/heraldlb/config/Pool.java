package io.heraldlb.config;

import java.math.BigInteger;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One address pool.
 *
 * @param name unique pool name
 * @param addresses non-overlapping ranges, sorted
 * @param autoAssign whether Services without a request may get addresses from it
 * @param avoidBuggyIps never hand out IPv4 addresses ending in .0 or .255
 * @param namespaces the namespaces whose Services may use it
 * @param namespaceSelector labels of the namespaces whose Services may use it, besides {@code
 *     namespaces}; with both empty, every namespace may
 * @param serviceSelector labels a Service must carry to use it
 * @param nodeSelector labels a node must carry to announce its addresses
 * @param interfaces interfaces to announce on; empty means automatic selection
 * @param priority lower wins among the pools a Service may use
 * @param crossNamespaceSharing whether Services of different namespaces may share one of its IPs
 *     (with the same allow-shared-ip key): off by default, since a tenant could otherwise attach to
 *     another namespace's IP by copying its key
 */
public record Pool(
    String name,
    List<IpRange> addresses,
    boolean autoAssign,
    boolean avoidBuggyIps,
    Set<String> namespaces,
    LabelSelector namespaceSelector,
    LabelSelector serviceSelector,
    LabelSelector nodeSelector,
    List<String> interfaces,
    int priority,
    boolean crossNamespaceSharing) {

  public Pool {
    addresses = List.copyOf(addresses);
    namespaces = Set.copyOf(namespaces);
    interfaces = List.copyOf(interfaces);
  }

  /**
   * Whether a Service with {@code labels} in {@code namespace}, whose own labels are {@code
   * namespaceLabels}, may use this pool.
   */
  public boolean allows(
      String namespace, Map<String, String> namespaceLabels, Map<String, String> labels) {
    return allowsNamespace(namespace, namespaceLabels) && serviceSelector.matches(labels);
  }

  /** Whether Services of {@code namespace} may use this pool: listed, or selected by labels. */
  public boolean allowsNamespace(String namespace, Map<String, String> namespaceLabels) {
    if (namespaces.isEmpty() && namespaceSelector.isEmpty()) {
      return true;
    }
    return namespaces.contains(namespace)
        || (!namespaceSelector.isEmpty() && namespaceSelector.matches(namespaceLabels));
  }

  public boolean contains(IpAddress address) {
    for (IpRange r : addresses) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }

  public Set<Family> families() {
    Set<Family> families = EnumSet.noneOf(Family.class);
    addresses.forEach(r -> families.add(r.family()));
    return families;
  }

  /** The number of addresses of {@code family} (all of them; buggy ones included). */
  public BigInteger size(Family family) {
    BigInteger total = BigInteger.ZERO;
    for (IpRange r : addresses) {
      if (r.family() == family) {
        total = total.add(r.size());
      }
    }
    return total;
  }
}
