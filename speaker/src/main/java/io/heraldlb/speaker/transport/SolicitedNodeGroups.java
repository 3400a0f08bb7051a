package io.heraldlb.speaker.transport;

import io.heraldlb.config.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership of the solicited-node multicast groups ({@code ff02::1:ffXX:XXXX}) of the IPv6
 * addresses announced on each interface. A Neighbor Solicitation goes to that group, not to every
 * host: without the membership a switch that snoops MLD never forwards it to this node, and a NIC
 * that is not promiscuous drops it. Joining through an IPv6 socket makes the kernel send the MLD
 * reports and program the NIC's filter; leaving makes it send the done message.
 *
 * <p>Thread-safe: the announcing loop and the interface scan both call it.
 */
public final class SolicitedNodeGroups implements GroupMembership {
  private static final Logger log = LoggerFactory.getLogger(SolicitedNodeGroups.class);

  private final Map<String, DatagramChannel> channels = new HashMap<>();
  private final Map<String, Map<InetAddress, MembershipKey>> joined = new HashMap<>();
  private final Set<String> failing = new HashSet<>();

  /** The solicited-node group of {@code ip}: ff02::1:ff and its last 24 bits (RFC 4291 2.7.1). */
  static InetAddress groupOf(IpAddress ip) {
    byte[] a = ip.toInetAddress().getAddress();
    byte[] g = new byte[16];
    g[0] = (byte) 0xff;
    g[1] = 0x02;
    g[11] = 0x01;
    g[12] = (byte) 0xff;
    g[13] = a[13];
    g[14] = a[14];
    g[15] = a[15];
    try {
      return InetAddress.getByAddress(g);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 16 bytes are always an address
    }
  }

  /** Makes the groups joined on {@code iface} those of the IPv6 addresses in {@code addresses}. */
  @Override
  public synchronized void follow(String iface, Set<IpAddress> addresses) {
    Set<InetAddress> wanted = new HashSet<>();
    for (IpAddress ip : addresses) {
      if (!ip.isV4()) {
        wanted.add(groupOf(ip));
      }
    }
    Map<InetAddress, MembershipKey> now = joined.computeIfAbsent(iface, k -> new HashMap<>());
    for (Map.Entry<InetAddress, MembershipKey> e : List.copyOf(now.entrySet())) {
      if (!wanted.contains(e.getKey())) {
        e.getValue().drop();
        now.remove(e.getKey());
      }
    }
    for (InetAddress group : wanted) {
      if (!now.containsKey(group)) {
        join(iface, group).ifPresent(key -> now.put(group, key));
      }
    }
    if (now.isEmpty()) {
      forget(iface);
    }
  }

  private java.util.Optional<MembershipKey> join(String iface, InetAddress group) {
    try {
      DatagramChannel channel = channels.get(iface);
      if (channel == null) {
        channel = DatagramChannel.open(StandardProtocolFamily.INET6);
        channel.bind(new InetSocketAddress(0));
        channels.put(iface, channel);
      }
      NetworkInterface nif = NetworkInterface.getByName(iface);
      if (nif == null) {
        throw new IOException("no interface " + iface);
      }
      MembershipKey key = channel.join(group, nif);
      failing.remove(iface);
      return java.util.Optional.of(key);
    } catch (IOException | RuntimeException e) {
      // IPv6 off on this interface, or the interface just went: NDP may still reach us through a
      // switch that floods multicast, so this is a warning, once per interface.
      if (failing.add(iface)) {
        log.warn("cannot join {} on {}: {}", group.getHostAddress(), iface, e.getMessage());
      }
      return java.util.Optional.empty();
    }
  }

  /** Leaves every group on {@code iface} (it closed or went away). */
  @Override
  public synchronized void forget(String iface) {
    Map<InetAddress, MembershipKey> keys = joined.remove(iface);
    if (keys != null) {
      keys.values().forEach(MembershipKey::drop);
    }
    DatagramChannel channel = channels.remove(iface);
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing the group socket of {}: {}", iface, e.getMessage());
      }
    }
  }

  /** The groups joined on {@code iface}, for tests. */
  synchronized Set<InetAddress> joined(String iface) {
    return Set.copyOf(joined.getOrDefault(iface, Map.of()).keySet());
  }

  @Override
  public synchronized void close() {
    for (String iface : List.copyOf(channels.keySet())) {
      forget(iface);
    }
  }
}
