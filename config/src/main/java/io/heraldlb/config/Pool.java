package io.heraldlb.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One address pool.
 *
 * @param name unique pool name
 * @param addresses non-overlapping ranges, sorted
 * @param autoAssign whether Services without a request may get addresses from it
 * @param avoidBuggyIps never hand out IPv4 addresses ending in .0 or .255
 * @param namespaces the namespaces whose Services may use it
 * @param namespaceSelector labels of the namespaces whose Services may use it, besides {@code
 *     namespaces}; with both unset, every namespace may
 * @param serviceSelector labels a Service must carry to use it; unset: any
 * @param advertisements where its addresses are announced from; empty: nowhere (assigned but not
 *     announced, as MetalLB does with a pool no {@code L2Advertisement} covers)
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
    LabelSelectors namespaceSelector,
    LabelSelectors serviceSelector,
    List<Advertisement> advertisements,
    int priority,
    boolean crossNamespaceSharing) {

  public Pool {
    addresses = List.copyOf(addresses);
    namespaces = Set.copyOf(namespaces);
    advertisements = List.copyOf(advertisements);
  }

  /**
   * Whether a Service with {@code labels} in {@code namespace}, whose own labels are {@code
   * namespaceLabels}, may use this pool.
   */
  public boolean allows(
      String namespace, Map<String, String> namespaceLabels, Map<String, String> labels) {
    return allowsNamespace(namespace, namespaceLabels) && serviceSelector.allows(labels);
  }

  /** Whether Services of {@code namespace} may use this pool: listed, or selected by labels. */
  public boolean allowsNamespace(String namespace, Map<String, String> namespaceLabels) {
    if (namespaces.isEmpty() && namespaceSelector.isEmpty()) {
      return true;
    }
    return namespaces.contains(namespace) || namespaceSelector.matchesAny(namespaceLabels);
  }

  /** Whether some node may announce its addresses at all. */
  public boolean advertised() {
    return !advertisements.isEmpty();
  }

  /** Whether a node with {@code nodeLabels} may announce its addresses. */
  public boolean announcedFrom(@Nullable Map<String, String> nodeLabels) {
    for (Advertisement a : advertisements) {
      if (a.covers(nodeLabels)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The interfaces a node with {@code nodeLabels} announces on: those of every advertisement
   * covering it, sorted; empty (the node's defaults) when one of them names none.
   */
  public List<String> interfacesOn(@Nullable Map<String, String> nodeLabels) {
    Set<String> out = new TreeSet<>();
    for (Advertisement a : advertisements) {
      if (a.covers(nodeLabels)) {
        if (a.interfaces().isEmpty()) {
          return List.of();
        }
        out.addAll(a.interfaces());
      }
    }
    return List.copyOf(out);
  }

  /** Every interface an advertisement names: a speaker opens them all. */
  public Set<String> namedInterfaces() {
    Set<String> out = new TreeSet<>();
    advertisements.forEach(a -> out.addAll(a.interfaces()));
    return out;
  }

  /** The node rule in words, for messages: {@code nodes labelled zone=a}. */
  public String nodeRule() {
    if (advertisements.isEmpty()) {
      return "no node (no advertisement covers the pool)";
    }
    List<String> parts = new ArrayList<>();
    for (Advertisement a : advertisements) {
      if (a.nodeSelector().isEmpty()) {
        return "every node";
      }
      parts.add(a.nodeSelector().toString());
    }
    return "nodes labelled " + String.join(" or ", parts);
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
