package io.heraldlb.speaker.membership;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How this speaker joins the group.
 *
 * @param bind the address to listen on and advertise (the node's address under hostNetwork)
 * @param port TCP port of the group; failure detection listens on {@code port + 100}
 * @param keys the group's key: only speakers holding it take part
 */
public record MembershipSettings(
    String nodeName,
    InetAddress bind,
    int port,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    Duration suspectTimeout,
    MembershipKeys keys) {

  /** {@code FD_SOCK2} listens this far above the group port. */
  public static final int FAILURE_DETECTION_OFFSET = 100;

  public MembershipSettings {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(keys, "keys");
  }
}
