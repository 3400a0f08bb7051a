package io.heraldlb.speaker.kube;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the speaker's caches keep of the two kinds a cluster holds by the thousand: of a Service,
 * what {@link KubeFacts#service} reads (type, class, traffic policy, the status IPs); of an
 * EndpointSlice, its Service and, per endpoint, the node and whether it is ready or serving. Every
 * speaker caches every Service and slice of the cluster, and a decoded Service is about 5 KiB, so
 * 10,000 of them filled the 96 MiB heap; kept this way one is a few hundred bytes. Each view keeps
 * namespace, name, uid and resourceVersion (the informer's key, and how it tells an update from a
 * repeat), and shares the strings that repeat across objects.
 */
final class CachedViews {
  private CachedViews() {}

  static Service service(Service full) {
    Service out = new Service();
    out.setMetadata(meta(full.getMetadata(), null));
    ServiceSpec spec = full.getSpec();
    if (spec != null) {
      ServiceSpec kept = new ServiceSpec();
      kept.setType(shared(spec.getType()));
      kept.setLoadBalancerClass(shared(spec.getLoadBalancerClass()));
      kept.setExternalTrafficPolicy(shared(spec.getExternalTrafficPolicy()));
      out.setSpec(kept);
    }
    List<LoadBalancerIngress> ingress =
        full.getStatus() == null || full.getStatus().getLoadBalancer() == null
            ? null
            : full.getStatus().getLoadBalancer().getIngress();
    if (ingress != null && !ingress.isEmpty()) {
      List<LoadBalancerIngress> ips = new ArrayList<>(ingress.size());
      for (LoadBalancerIngress i : ingress) {
        LoadBalancerIngress ip = new LoadBalancerIngress();
        ip.setIp(i.getIp());
        ips.add(ip);
      }
      LoadBalancerStatus lb = new LoadBalancerStatus();
      lb.setIngress(ips);
      ServiceStatus status = new ServiceStatus();
      status.setLoadBalancer(lb);
      out.setStatus(status);
    }
    return out;
  }

  static EndpointSlice endpointSlice(EndpointSlice full) {
    EndpointSlice out = new EndpointSlice();
    out.setMetadata(meta(full.getMetadata(), KubeFacts.SERVICE_NAME_LABEL));
    out.setAddressType(shared(full.getAddressType()));
    List<Endpoint> endpoints = full.getEndpoints();
    if (endpoints != null) {
      List<Endpoint> kept = new ArrayList<>(endpoints.size());
      for (Endpoint e : endpoints) {
        Endpoint k = new Endpoint();
        k.setNodeName(shared(e.getNodeName()));
        EndpointConditions c = e.getConditions();
        if (c != null) {
          EndpointConditions conditions = new EndpointConditions();
          conditions.setReady(c.getReady());
          conditions.setServing(c.getServing());
          k.setConditions(conditions);
        }
        kept.add(k);
      }
      out.setEndpoints(kept);
    }
    return out;
  }

  private static ObjectMeta meta(@Nullable ObjectMeta full, @Nullable String label) {
    ObjectMeta out = new ObjectMeta();
    if (full == null) {
      return out;
    }
    out.setNamespace(shared(full.getNamespace()));
    out.setName(full.getName());
    out.setUid(full.getUid());
    out.setResourceVersion(full.getResourceVersion());
    Map<String, String> labels = full.getLabels();
    if (label != null && labels != null && labels.get(label) != null) {
      out.setLabels(Map.of(label, labels.get(label)));
    }
    return out;
  }

  /** Namespaces, types and node names repeat across thousands of objects: kept once. */
  private static @Nullable String shared(@Nullable String s) {
    return s == null ? null : s.intern();
  }
}
