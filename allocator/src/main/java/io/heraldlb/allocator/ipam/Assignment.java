package io.heraldlb.allocator.ipam;

import io.heraldlb.config.IpAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The IPs a Service holds, with what the sharing rules need to compare it to other Services.
 *
 * @param key the Service
 * @param pool the pool the IPs come from
 * @param ips one IP per family, in the Service's family order
 * @param sharingKey its allow-shared-ip key, or {@code null}
 * @param ports its ports
 * @param localTraffic {@code externalTrafficPolicy: Local}
 * @param backendKey for Local traffic, its pod selector; otherwise ""
 */
public record Assignment(
    ServiceKey key,
    String pool,
    List<IpAddress> ips,
    @Nullable String sharingKey,
    List<Port> ports,
    boolean localTraffic,
    String backendKey) {

  static Assignment of(ServiceRequest r, String pool, List<IpAddress> ips) {
    return new Assignment(
        r.key(),
        pool,
        List.copyOf(ips),
        r.sharingKey(),
        r.ports(),
        r.localTraffic(),
        r.backendKey());
  }

  /**
   * Why a Service described by {@code r} may not use an IP this assignment holds, in the pool
   * {@code pool} that allows sharing across namespaces or not; {@code null} when it may. Verdict
   * and reason come from one place, so they cannot disagree.
   */
  @Nullable String sharingRefusal(ServiceRequest r, String pool, boolean acrossNamespaces) {
    if (sharingKey == null || r.sharingKey() == null) {
      return ""; // neither asks to share: being in use is reason enough
    }
    if (!sharingKey.equals(r.sharingKey())) {
      return " (different allow-shared-ip key)";
    }
    if (!acrossNamespaces && !key.namespace().equals(r.key().namespace())) {
      return " (in another namespace; pool '"
          + pool
          + "' does not allow sharing across namespaces)";
    }
    if (localTraffic != r.localTraffic()) {
      return " (different externalTrafficPolicy)";
    }
    if (!backendKey.equals(r.backendKey())) {
      return " (externalTrafficPolicy Local with a different pod selector)";
    }
    for (Port mine : ports) {
      if (r.ports().contains(mine)) {
        return " (ports overlap)";
      }
    }
    return null;
  }
}
