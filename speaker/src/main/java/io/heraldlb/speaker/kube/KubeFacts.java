package io.heraldlb.speaker.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.heraldlb.config.IpAddress;
import io.heraldlb.kube.LoadBalancerServices;
import io.heraldlb.speaker.election.NodeFacts;
import io.heraldlb.speaker.election.TrafficPolicy;
import io.heraldlb.speaker.plan.ServiceInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns Kubernetes objects into the plain records the planner works on. Which Services HeraldLB
 * handles, and the IPs in their status, are {@link LoadBalancerServices}' rule, shared with the
 * allocator.
 */
public final class KubeFacts {
  private KubeFacts() {}

  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /**
   * The Service as the speaker sees it, or empty when it is not ours to announce: not a
   * LoadBalancer, another class, or no address yet.
   *
   * @param lbClass the class we handle; empty: only Services without a class
   */
  public static Optional<ServiceInfo> service(Service svc, String lbClass) {
    if (!LoadBalancerServices.handles(svc, lbClass)) {
      return Optional.empty();
    }
    List<IpAddress> ips = LoadBalancerServices.ingressIps(svc);
    if (ips.isEmpty()) {
      return Optional.empty();
    }
    TrafficPolicy policy =
        "Local".equals(svc.getSpec().getExternalTrafficPolicy())
            ? TrafficPolicy.LOCAL
            : TrafficPolicy.CLUSTER;
    return Optional.of(
        new ServiceInfo(
            svc.getMetadata().getNamespace(),
            svc.getMetadata().getName(),
            svc.getMetadata().getUid(),
            ips,
            policy));
  }

  /** {@code namespace/service} an EndpointSlice belongs to, if labelled. */
  public static Optional<String> serviceKey(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
    return svc == null
        ? Optional.empty()
        : Optional.of(slice.getMetadata().getNamespace() + "/" + svc);
  }

  /** Nodes with a ready or serving endpoint in the slice. */
  public static Set<String> endpointNodes(EndpointSlice slice) {
    Set<String> nodes = new HashSet<>();
    if (slice.getEndpoints() == null) {
      return nodes;
    }
    for (Endpoint e : slice.getEndpoints()) {
      if (e.getNodeName() != null && readyOrServing(e.getConditions())) {
        nodes.add(e.getNodeName());
      }
    }
    return nodes;
  }

  /**
   * A missing {@code ready} means ready (the API's rule); {@code serving} covers terminating pods.
   */
  static boolean readyOrServing(EndpointConditions c) {
    return c == null
        || c.getReady() == null
        || Boolean.TRUE.equals(c.getReady())
        || Boolean.TRUE.equals(c.getServing());
  }

  /**
   * @param ignoreExcludeLabel whether {@link NodeFacts#EXCLUDE_LABEL} is disregarded (clusters
   *     whose only nodes are control-plane nodes, which kubeadm and Talos label so)
   */
  public static NodeFacts node(Node node, boolean ignoreExcludeLabel) {
    Map<String, String> labels = node.getMetadata().getLabels();
    boolean unavailable = false;
    if (node.getStatus() != null && node.getStatus().getConditions() != null) {
      for (NodeCondition c : node.getStatus().getConditions()) {
        unavailable |= "NetworkUnavailable".equals(c.getType()) && "True".equals(c.getStatus());
      }
    }
    Map<String, String> have = labels == null ? Map.of() : labels;
    return new NodeFacts(
        node.getMetadata().getName(),
        have,
        unavailable,
        !ignoreExcludeLabel && have.containsKey(NodeFacts.EXCLUDE_LABEL));
  }

  public static Optional<IpAddress> internalIp(Node node) {
    if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
      return Optional.empty();
    }
    for (NodeAddress a : node.getStatus().getAddresses()) {
      if ("InternalIP".equals(a.getType()) && IpAddress.tryParse(a.getAddress()) != null) {
        return Optional.of(IpAddress.parse(a.getAddress()));
      }
    }
    return Optional.empty();
  }

  /**
   * The node a speaker pod runs on, if it counts as a running speaker: it has an address, is not
   * being deleted, and has not ended.
   */
  public static Optional<String> speakerNode(Pod pod) {
    if (pod.getSpec() == null
        || pod.getSpec().getNodeName() == null
        || pod.getMetadata().getDeletionTimestamp() != null
        || podIp(pod).isEmpty()) {
      return Optional.empty();
    }
    String phase = pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return Optional.empty();
    }
    return Optional.of(pod.getSpec().getNodeName());
  }

  /** False only when the node's Ready condition says the node is down (False or Unknown). */
  public static boolean maybeReady(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return true;
    }
    for (NodeCondition c : node.getStatus().getConditions()) {
      if ("Ready".equals(c.getType()) && !"True".equals(c.getStatus())) {
        return false;
      }
    }
    return true;
  }

  /** A speaker pod's address, once it has one. */
  public static Optional<IpAddress> podIp(Pod pod) {
    String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    return ip == null ? Optional.empty() : Optional.ofNullable(IpAddress.tryParse(ip));
  }
}
