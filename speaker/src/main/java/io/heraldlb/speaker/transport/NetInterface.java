package io.heraldlb.speaker.transport;

import io.heraldlb.speaker.packet.MacAddress;
import java.util.Objects;

/**
 * What interface selection needs to know about a network interface.
 *
 * @param flags the kernel's {@code IFF_*} flags
 * @param arpType the link type ({@code ARPHRD_*}); 1 is Ethernet
 * @param enslaved part of a bond or bridge (it has a {@code master}): the master answers instead
 */
public record NetInterface(String name, int flags, int arpType, MacAddress mac, boolean enslaved) {

  public static final int IFF_UP = 0x1;
  public static final int IFF_BROADCAST = 0x2;
  public static final int IFF_LOOPBACK = 0x8;
  public static final int IFF_NOARP = 0x80;
  public static final int ARPHRD_ETHER = 1;

  public NetInterface {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mac, "mac");
  }

  public boolean up() {
    return (flags & IFF_UP) != 0;
  }

  /**
   * Can carry our frames at all: up, Ethernet, with a MAC, ARP on. Named interfaces only need this.
   */
  public boolean usable() {
    return up() && arpType == ARPHRD_ETHER && !mac.isZero() && (flags & IFF_NOARP) == 0;
  }

  /** Picked by automatic selection (besides the name rule). */
  public boolean automatic() {
    return usable() && (flags & IFF_BROADCAST) != 0 && (flags & IFF_LOOPBACK) == 0 && !enslaved;
  }
}
