package io.heraldlb.speaker.packet;

import io.heraldlb.config.IpAddress;

/** The few IPv6 addresses and rules Neighbor Discovery needs. */
public final class Ipv6 {
  private Ipv6() {}

  public static final IpAddress UNSPECIFIED = IpAddress.ofV6(0, 0);
  public static final IpAddress ALL_NODES = IpAddress.ofV6(0xff02_0000_0000_0000L, 1);
  private static final IpAddress FIRST_MULTICAST = IpAddress.ofV6(0xff00_0000_0000_0000L, 0);

  public static boolean isMulticast(IpAddress ip) {
    return !ip.isV4() && ip.compareTo(FIRST_MULTICAST) >= 0;
  }

  /** The solicited-node group ff02::1:ffXX:XXXX a solicitation for {@code ip} is sent to. */
  public static IpAddress solicitedNodeGroup(IpAddress ip) {
    byte[] b = ip.toBytes();
    long low24 = (b[13] & 0xFFL) << 16 | (b[14] & 0xFFL) << 8 | (b[15] & 0xFFL);
    return IpAddress.ofV6(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | low24);
  }
}
