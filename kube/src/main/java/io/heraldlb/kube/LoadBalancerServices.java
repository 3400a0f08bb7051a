package io.heraldlb.kube;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.heraldlb.config.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The one rule for which Services HeraldLB handles, and the one reader of the IPs in their status,
 * shared by the allocator (which writes those IPs) and the speakers (which announce them).
 */
public final class LoadBalancerServices {
  private LoadBalancerServices() {}

  /**
   * Whether HeraldLB handles this Service: type LoadBalancer, and of {@code loadBalancerClass}, or
   * of no class when that is empty.
   */
  public static boolean handles(Service s, String loadBalancerClass) {
    ServiceSpec spec = s.getSpec();
    if (spec == null || !"LoadBalancer".equals(spec.getType())) {
      return false;
    }
    String cls = spec.getLoadBalancerClass();
    return loadBalancerClass.isEmpty()
        ? cls == null || cls.isEmpty()
        : loadBalancerClass.equals(cls);
  }

  /**
   * The IPs in the Service's status, in order and each once; entries that are not an IP (a
   * hostname, garbage another writer left) are skipped.
   */
  public static List<IpAddress> ingressIps(Service s) {
    List<IpAddress> out = new ArrayList<>();
    if (s.getStatus() == null || s.getStatus().getLoadBalancer() == null) {
      return out;
    }
    List<LoadBalancerIngress> ingress = s.getStatus().getLoadBalancer().getIngress();
    if (ingress != null) {
      for (LoadBalancerIngress i : ingress) {
        IpAddress ip = i.getIp() == null ? null : IpAddress.tryParse(i.getIp());
        if (ip != null && !out.contains(ip)) {
          out.add(ip);
        }
      }
    }
    return out;
  }
}
