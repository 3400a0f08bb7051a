package io.heraldlb.allocator.ipam;

import io.heraldlb.config.IpAddress;
import java.util.List;

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
    String sharingKey,
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
   * Whether a Service described by {@code r} may use an IP this assignment holds, in a pool that
   * allows sharing across namespaces or not.
   */
  boolean canShareWith(ServiceRequest r, boolean acrossNamespaces) {
    if (sharingKey == null || !sharingKey.equals(r.sharingKey())) {
      return false;
    }
    if (!acrossNamespaces && !key.namespace().equals(r.key().namespace())) {
      return false;
    }
    if (localTraffic != r.localTraffic() || !backendKey.equals(r.backendKey())) {
      return false;
    }
    for (Port mine : ports) {
      if (r.ports().contains(mine)) {
        return false;
      }
    }
    return true;
  }
}
