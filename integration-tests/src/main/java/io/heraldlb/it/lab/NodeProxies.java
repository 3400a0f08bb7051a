package io.heraldlb.it.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Upstream kube-proxy on every lab node, in the node's namespace, in nftables mode: its rules live
 * in the node namespace's own {@code ip kube-proxy} / {@code ip6 kube-proxy} tables, so deleting
 * the namespace removes them, and nothing touches the machine's own tables. (nftables rather than
 * iptables: it is what kube-proxy recommends since 1.33, one {@code nft} tool serves both families,
 * and {@code nft list table ip kube-proxy} shows a Service's whole path in one place.)
 */
final class NodeProxies {
  static final int HEALTHZ_PORT = 10256;

  private final List<LabProcess> proxies = new ArrayList<>();

  private NodeProxies() {}

  static NodeProxies start(
      List<LabNode> nodes, Path bin, Path kubeconfig, Launcher launcher, Duration timeout) {
    NodeProxies started = new NodeProxies();
    for (LabNode node : nodes) {
      started.proxies.add(
          launcher.start(
              "kube-proxy-" + node.name(),
              node.netns(),
              Map.of(),
              List.of(
                  bin.resolve("kube-proxy").toString(),
                  "--kubeconfig=" + kubeconfig,
                  "--hostname-override=" + node.name(),
                  "--proxy-mode=nftables",
                  "--cluster-cidr=" + ControlPlane.POD_CIDR,
                  // A non-initial network namespace may not change conntrack's global limits.
                  "--conntrack-max-per-core=0",
                  "--conntrack-tcp-timeout-established=0",
                  "--conntrack-tcp-timeout-close-wait=0",
                  "--healthz-bind-address=" + node.ip() + ":" + HEALTHZ_PORT,
                  "--metrics-bind-address=127.0.0.1:10249",
                  "--v=1")));
    }
    for (int i = 0; i < nodes.size(); i++) {
      LabNode node = nodes.get(i);
      LabProcess proxy = started.proxies.get(i);
      Await.until(
          "kube-proxy on " + node.name() + " to program its rules",
          timeout,
          Duration.ofMillis(200),
          () -> {
            if (!proxy.isAlive()) {
              throw new LabException(
                  proxy.name() + " exited; its log (" + proxy.log() + ") ends:\n" + proxy.tail(15));
            }
            return Cmd.run(
                    List.of(node.exec("nft", "list", "table", "ip", "kube-proxy")),
                    Cmd.DEFAULT_TIMEOUT)
                .ok();
          });
    }
    return started;
  }

  /** The rules kube-proxy keeps on {@code node}, as {@code nft list table ip kube-proxy} prints. */
  static String rules(LabNode node) {
    return Cmd.run(
            List.of(node.exec("nft", "list", "table", "ip", "kube-proxy")), Cmd.DEFAULT_TIMEOUT)
        .orThrow()
        .out();
  }

  List<LabProcess> processes() {
    return List.copyOf(proxies);
  }
}
