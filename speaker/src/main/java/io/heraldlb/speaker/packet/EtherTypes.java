package io.heraldlb.speaker.packet;

/**
 * The EtherTypes the speaker reads and writes, in one place for the codec, the fast path, the
 * kernel filter and the socket that puts a stripped VLAN tag back.
 */
public final class EtherTypes {
  private EtherTypes() {}

  public static final int IPV4 = 0x0800;
  public static final int ARP = 0x0806;

  /** An IEEE 802.1Q tag. */
  public static final int VLAN = 0x8100;

  /** An IEEE 802.1ad (QinQ) service tag. */
  public static final int QINQ = 0x88A8;

  public static final int IPV6 = 0x86DD;
}
