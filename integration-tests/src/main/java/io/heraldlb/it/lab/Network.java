package io.heraldlb.it.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * The lab's wiring: a bridge in its own namespace as the LAN, a client namespace and node
 * namespaces on it, and a veth from the root namespace so processes there (the API server) are
 * reachable from every namespace. Nothing routes beyond the LAN: the client's default route is
 * on-link, so any address it talks to is resolved by ARP/NDP on the LAN itself.
 */
final class Network {
  static final String LAN_IFACE = "eth0";
  static final String BRIDGE = "br0";

  final String run;
  final Subnet subnet;
  final String lanNs;
  final String clientNs;
  final String rootLink;
  final List<LabNode> nodes = new ArrayList<>();

  private Network(String run, Subnet subnet) {
    this.run = run;
    this.subnet = subnet;
    this.lanNs = run + "-lan";
    this.clientNs = run + "-client";
    this.rootLink = run + "-r";
  }

  /** Builds the wiring; on failure removes what it built and rethrows. */
  static Network create(String run, Subnet subnet, List<String> nodeNames) {
    Network network = new Network(run, subnet);
    try {
      network.build(nodeNames);
      return network;
    } catch (RuntimeException e) {
      destroyRun(run);
      throw e;
    }
  }

  private void build(List<String> nodeNames) {
    addNamespace(lanNs);
    ip(lanNs, "link", "add", BRIDGE, "type", "bridge");
    ip(lanNs, "link", "set", BRIDGE, "up");
    // The LAN namespace only switches frames: no addresses, no IPv6 chatter of its own.
    sysctl(lanNs, "net.ipv6.conf.all.disable_ipv6=1");

    Cmd.check(
        "ip", "link", "add", rootLink, "type", "veth", "peer", "name", "root", "netns", lanNs);
    Cmd.check("sysctl", "-qw", "net.ipv6.conf." + rootLink + ".disable_ipv6=1");
    Cmd.check("ip", "addr", "add", subnet.gateway() + "/" + Subnet.PREFIX_V4, "dev", rootLink);
    Cmd.check("ip", "link", "set", rootLink, "up");
    plug("root");

    addHost(clientNs, "client", mac(2), subnet.client(), subnet.clientV6());
    ip(clientNs, "route", "add", "default", "dev", LAN_IFACE);
    ip(clientNs, "-6", "route", "add", "default", "dev", LAN_IFACE);

    for (int i = 1; i <= nodeNames.size(); i++) {
      String ns = run + "-node" + i;
      addHost(ns, port(i), mac(0x10 + i), subnet.node(i), subnet.nodeV6(i));
      // What kube-proxy in IPVS mode relies on: never answer ARP for an address that is not on
      // the interface the request came in on, so Service IPs on lo stay the speaker's business.
      sysctl(ns, "net.ipv4.conf.all.arp_ignore=1");
      sysctl(ns, "net.ipv4.conf.all.arp_announce=2");
      nodes.add(
          new LabNode(
              i,
              nodeNames.get(i - 1),
              ns,
              LAN_IFACE,
              subnet.node(i),
              subnet.nodeV6(i),
              Netns.mac(ns, LAN_IFACE)));
    }
  }

  /** Node {@code index}'s port on the bridge: the LAN end of its cable. */
  static String port(int index) {
    return "node" + index;
  }

  /** Takes node {@code index}'s port down or up: its cable pulled, or plugged in again. */
  void cable(int index, boolean plugged) {
    ip(lanNs, "link", "set", port(index), plugged ? "up" : "down");
  }

  /** A namespace with {@code eth0} on the bridge (its peer in the LAN is named {@code port}). */
  private void addHost(String ns, String port, String mac, String ipv4, String ipv6) {
    addNamespace(ns);
    ip(
        lanNs, "link", "add", port, "type", "veth", "peer", "name", LAN_IFACE, "address", mac,
        "netns", ns);
    plug(port);
    ip(ns, "link", "set", "lo", "up");
    ip(ns, "addr", "add", ipv4 + "/" + Subnet.PREFIX_V4, "dev", LAN_IFACE);
    ip(ns, "-6", "addr", "add", ipv6 + "/" + Subnet.PREFIX_V6, "dev", LAN_IFACE, "nodad");
    ip(ns, "link", "set", LAN_IFACE, "up");
  }

  private void plug(String port) {
    ip(lanNs, "link", "set", port, "master", BRIDGE, "up");
  }

  private void addNamespace(String ns) {
    Cmd.check("ip", "netns", "add", ns);
  }

  /** Removes every namespace and root link of a run, whatever state its setup reached. */
  static void destroyRun(String run) {
    for (String ns : Netns.list()) {
      if (ns.startsWith(run + "-")) {
        Netns.delete(ns);
      }
    }
    for (String link : Netns.rootLinks()) {
      if (link.startsWith(run + "-")) {
        Cmd.run("ip", "link", "delete", link);
      }
    }
  }

  /** Locally administered, readable MACs: 02:77:00:00:00:11 is node1. */
  private static String mac(int host) {
    return String.format("02:77:00:00:00:%02x", host);
  }

  static void ip(String ns, String... args) {
    List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
    argv.addAll(List.of(args));
    Cmd.run(argv, Cmd.DEFAULT_TIMEOUT).orThrow();
  }

  static void sysctl(String ns, String setting) {
    Cmd.check(Netns.exec(ns, "sysctl", "-qw", setting));
  }
}
