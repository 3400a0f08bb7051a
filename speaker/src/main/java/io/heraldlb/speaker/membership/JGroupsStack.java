package io.heraldlb.speaker.membership;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import org.jgroups.auth.AuthToken;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

/**
 * The protocol stack of the speaker group, bottom first. TCP only: no multicast, no UDP, so it
 * works on any network that lets nodes reach each other on one port. Peers come from the Kubernetes
 * API (see {@link Membership#updatePeers}). Every group connection is mutual TLS 1.3 with the
 * group's key ({@link GroupSockets}), so only speakers holding it can join, read or send.
 *
 * <p>Timing, for the failover targets (crash under 1 s, silent node under 3 s):
 *
 * <ul>
 *   <li>A crashed speaker's sockets close: {@code FD_SOCK2} suspects it at once, {@code
 *       VERIFY_SUSPECT2} confirms within {@code suspectTimeout}, the coordinator installs a view.
 *   <li>A silent node (link down, frozen JVM) keeps its sockets: {@code FD_ALL3} suspects it after
 *       {@code heartbeatTimeout} (checked every {@code heartbeatInterval}), then the same check.
 *   <li>{@code GMS} waits at most 500 ms for view acknowledgements, so a second silent member does
 *       not hold up the view that removes the first.
 *   <li>{@code GMS} waits up to 3 s for a join response: a coordinator busy starting up (class
 *       loading, JIT, a loaded node) can take over a second to install the view, and a join that
 *       gives up founds a group of its own. Only start-up waits for this, never failover.
 *   <li>{@code MERGE3} heals split groups (two speakers that started alone, a healed partition)
 *       within a few seconds.
 * </ul>
 */
public final class JGroupsStack {
  private JGroupsStack() {}

  public static final String CLUSTER = "heraldlb-speaker";

  static final long VIEW_ACK_TIMEOUT_MS = 500;
  static final long JOIN_TIMEOUT_MS = 3000;
  static final long MERGE_MIN_MS = 1000;
  static final long MERGE_MAX_MS = 3000;

  /**
   * @param token checks each joiner's claimed node name against the API ({@link NodeToken})
   */
  public static List<Protocol> build(
      MembershipSettings s, Collection<InetSocketAddress> peers, AuthToken token) {
    TCP tcp = new TCP();
    tcp.setBindAddress(s.bind());
    tcp.setBindPort(s.port());
    tcp.setPortRange(0);
    // Connecting to a dead peer must not stall sends for long.
    tcp.setSockConnTimeout(500);
    tcp.setSocketFactory(new GroupSockets(s.keys().context(), s.keys().refusals()));
    // Refusals are counted and logged by GroupSockets; JGroups' own line per attempt is noise.
    tcp.logAcceptError(false);

    TCPPING ping = new TCPPING();
    ping.setPortRange(0);
    ping.setInitialHosts(List.copyOf(peers));

    MERGE3 merge = new MERGE3();
    merge.setMinInterval(MERGE_MIN_MS);
    merge.setMaxInterval(MERGE_MAX_MS);

    FD_SOCK2 sock = new FD_SOCK2();
    sock.setBindAddress(s.bind());
    sock.setOffset(MembershipSettings.FAILURE_DETECTION_OFFSET);
    sock.setPortRange(0);

    FD_ALL3 heartbeats = new FD_ALL3();
    heartbeats.setInterval(s.heartbeatInterval().toMillis());
    heartbeats.setTimeout(s.heartbeatTimeout().toMillis());

    VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2();
    verify.setTimeout(s.suspectTimeout().toMillis());

    NAKACK2 nakack = new NAKACK2();
    nakack.useMcastXmit(false);

    GMS gms = new GMS();
    gms.printLocalAddress(false);
    gms.setJoinTimeout(JOIN_TIMEOUT_MS);
    gms.setLeaveTimeout(500);
    gms.setViewAckCollectionTimeout(VIEW_ACK_TIMEOUT_MS);
    gms.setMergeTimeout(2000);

    // Directly below GMS, as JGroups requires: joins and merges pass it or are rejected.
    AUTH auth = new AUTH();
    auth.setAuthToken(token);
    token.setAuth(auth);

    return List.of(
        tcp,
        ping,
        merge,
        sock,
        heartbeats,
        verify,
        nakack,
        new UNICAST3(),
        new STABLE(),
        auth,
        gms);
  }
}
