package io.heraldlb.speaker.membership;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.PhysicalAddress;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.TCPPING;
import org.jgroups.stack.IpAddress;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.NameCache;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This speaker's place in the speaker group. Each member's address carries its node name, so a view
 * maps to node names without waiting for names to spread. View changes are handed to a listener
 * that must not block (it runs on a JGroups thread).
 */
public final class Membership implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Membership.class);
  private static final String NODE_KEY = "node";

  private final MembershipSettings settings;
  private final Consumer<Set<String>> onView;
  private final JChannel channel;
  private final TCPPING discovery;
  private volatile Set<String> members = Set.of();
  private volatile @Nullable View view;
  private volatile Set<InetSocketAddress> peers = Set.of();

  /**
   * @param joinCheck decides on each joiner's claimed node name and address (see {@link NodeToken})
   * @param refused told of each joiner refused
   */
  public Membership(
      MembershipSettings settings,
      Collection<InetSocketAddress> peers,
      Consumer<Set<String>> onView,
      NodeToken.JoinCheck joinCheck,
      NodeToken.Refused refused)
      throws Exception {
    this.settings = settings;
    this.onView = onView;
    this.peers = Set.copyOf(peers);
    this.channel =
        new JChannel(
            JGroupsStack.build(settings, peers, new NodeToken(joinCheck, () -> view, refused)));
    this.discovery = channel.getProtocolStack().findProtocol(TCPPING.class);
    byte[] node = settings.nodeName().getBytes(StandardCharsets.UTF_8);
    channel.addAddressGenerator(
        () -> ExtendedUUID.randomUUID(settings.nodeName()).put(NODE_KEY, node));
    channel.name(settings.nodeName());
    channel.setReceiver(
        new Receiver() {
          @Override
          public void viewAccepted(View view) {
            accept(view);
          }
        });
  }

  /** Joins the group (or founds it when no peer answers within the join timeout). */
  public void join() throws Exception {
    channel.connect(JGroupsStack.CLUSTER);
    log.info(
        "joined the speaker group on {}:{} as {}",
        settings.bind().getHostAddress(),
        settings.port(),
        settings.nodeName());
  }

  /** The speaker pods' group addresses; used by discovery and by merges from now on. */
  public void updatePeers(Collection<InetSocketAddress> addresses) {
    Set<InetSocketAddress> now = Set.copyOf(addresses);
    if (now.equals(peers) || now.isEmpty()) {
      return;
    }
    peers = now;
    List<PhysicalAddress> hosts =
        now.stream().map(a -> (PhysicalAddress) new IpAddress(a)).toList();
    // TCPPING swaps its list reference: safe while a discovery round reads the old one.
    discovery.setInitialHosts2(hosts);
    log.debug("speaker peers: {}", now);
  }

  public Set<String> members() {
    return members;
  }

  public boolean joined() {
    return channel.isConnected() && !members.isEmpty();
  }

  /** Leaves the group, so that the others elect successors now. */
  public void leave() {
    if (channel.isConnected()) {
      channel.disconnect();
      log.info("left the speaker group");
    }
  }

  @Override
  public void close() {
    leave();
    channel.close();
  }

  private void accept(View view) {
    this.view = view;
    Set<String> names = new TreeSet<>();
    for (Address a : view.getMembers()) {
      names.add(nodeOf(a));
    }
    members = Set.copyOf(names);
    // Every member as it is, so that a name held twice shows twice.
    log.info(
        "speaker group view {}: {}",
        view.getViewId().getId(),
        view.getMembers().stream().map(Membership::nodeOf).sorted().toList());
    onView.accept(members);
  }

  static String nodeOf(Address a) {
    if (a instanceof ExtendedUUID e && e.keyExists(NODE_KEY)) {
      return new String(e.get(NODE_KEY), StandardCharsets.UTF_8);
    }
    String name = NameCache.get(a);
    return name != null ? name : a.toString();
  }
}
