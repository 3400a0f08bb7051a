package io.heraldlb.it.lab;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a CNI plugin would give the lab's nodes: node {@code i} gets the pod ranges {@code
 * 10.244.i.0/24} and {@code fd44:0:0:i::/64} (the lab is dual-stack) in a namespace of its own
 * ({@code NODE-pods}, linked to the node by {@code vethpods}), and every node routes the other
 * nodes' ranges over the LAN, so kube-proxy on any node can send a Service's traffic to a pod on
 * any other. The namespace holds all of a node's pod addresses at once: one backend per port
 * answers for every pod there.
 */
final class PodNetwork {
  static final String NODE_LINK = "vethpods";
  static final String POD_IFACE = "eth0";

  private final List<LabNode> nodes;
  private final Map<Integer, AtomicInteger> nextHost = new ConcurrentHashMap<>();

  private PodNetwork(List<LabNode> nodes) {
    this.nodes = nodes;
  }

  static String namespace(LabNode node) {
    return node.netns() + "-pods";
  }

  static String range(LabNode node) {
    return "10.244." + node.index() + ".0/24";
  }

  static String rangeV6(LabNode node) {
    return "fd44:0:0:" + Integer.toHexString(node.index()) + "::/64";
  }

  /** The node's own addresses on its pod link: what a pod sees masqueraded traffic come from. */
  static String gateway(LabNode node) {
    return "10.244." + node.index() + ".1";
  }

  static String gatewayV6(LabNode node) {
    return "fd44:0:0:" + Integer.toHexString(node.index()) + "::1";
  }

  /** A pod's pair of addresses: IPv4 first, as the pod's {@code status.podIPs} lists them. */
  record PodIps(String v4, String v6) {}

  /** Builds the pod namespaces and routes (the lab's network removes them with the run). */
  static PodNetwork create(List<LabNode> nodes) {
    for (LabNode node : nodes) {
      String pods = namespace(node);
      Cmd.check("ip", "netns", "add", pods);
      Network.ip(
          node.netns(),
          "link",
          "add",
          NODE_LINK,
          "type",
          "veth",
          "peer",
          "name",
          POD_IFACE,
          "netns",
          pods);
      Network.ip(node.netns(), "addr", "add", gateway(node) + "/24", "dev", NODE_LINK);
      Network.ip(
          node.netns(), "-6", "addr", "add", gatewayV6(node) + "/64", "dev", NODE_LINK, "nodad");
      Network.ip(node.netns(), "link", "set", NODE_LINK, "up");
      Network.sysctl(node.netns(), "net.ipv4.ip_forward=1");
      Network.sysctl(node.netns(), "net.ipv6.conf.all.forwarding=1");
      Network.ip(pods, "link", "set", "lo", "up");
      Network.ip(pods, "link", "set", POD_IFACE, "up");
      // onlink: the pod addresses come later, one per Pod.
      Network.ip(pods, "route", "add", "default", "via", gateway(node), "dev", POD_IFACE, "onlink");
      Network.ip(
          pods,
          "-6",
          "route",
          "add",
          "default",
          "via",
          gatewayV6(node),
          "dev",
          POD_IFACE,
          "onlink");
    }
    for (LabNode node : nodes) {
      for (LabNode other : nodes) {
        if (other != node) {
          Network.ip(
              node.netns(), "route", "add", range(other), "via", other.ip(), "dev", node.iface());
          Network.ip(
              node.netns(),
              "-6",
              "route",
              "add",
              rangeV6(other),
              "via",
              other.ipv6(),
              "dev",
              node.iface());
        }
      }
    }
    return new PodNetwork(nodes);
  }

  /** New pod addresses on {@code node}, live on its pod namespace's interface. */
  PodIps addPod(LabNode node) {
    int host = nextHost.computeIfAbsent(node.index(), i -> new AtomicInteger(10)).getAndIncrement();
    if (host > 254) {
      throw new LabException("no pod address left on " + node.name());
    }
    PodIps ips =
        new PodIps(
            "10.244." + node.index() + "." + host,
            "fd44:0:0:" + Integer.toHexString(node.index()) + "::" + Integer.toHexString(host));
    Network.ip(namespace(node), "addr", "add", ips.v4() + "/24", "dev", POD_IFACE);
    Network.ip(namespace(node), "-6", "addr", "add", ips.v6() + "/64", "dev", POD_IFACE, "nodad");
    return ips;
  }

  List<LabNode> nodes() {
    return nodes;
  }
}
