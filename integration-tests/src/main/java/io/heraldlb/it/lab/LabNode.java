package io.heraldlb.it.lab;

/**
 * One Kubernetes node of the lab: a network namespace on the LAN.
 *
 * @param index 1-based
 * @param name the Kubernetes node name
 * @param netns the network namespace
 * @param iface the LAN interface inside the namespace
 * @param ip the node's InternalIP on the LAN
 * @param ipv6 the node's IPv6 address on the LAN
 * @param mac the LAN interface's MAC, as the kernel reports it (lower case)
 */
public record LabNode(
    int index, String name, String netns, String iface, String ip, String ipv6, String mac) {

  /** A command to run inside this node's namespace. */
  public String[] exec(String... argv) {
    return Netns.exec(netns, argv);
  }
}
