package io.heraldlb.speaker.packet;

/**
 * The Ethernet II header of a frame. {@code vlanTci} is the 802.1Q tag control field (priority,
 * drop-eligible bit and VLAN id) or {@link #NO_VLAN}; a reply carries the same tag back so that it
 * reaches the asker on a trunk port.
 */
public record Ethernet(MacAddress destination, MacAddress source, int vlanTci) {

  public static final int NO_VLAN = -1;

  public Ethernet {
    if (vlanTci < NO_VLAN || vlanTci > 0xFFFF) {
      throw new IllegalArgumentException("a VLAN tag control field has 16 bits: " + vlanTci);
    }
  }

  public boolean hasVlan() {
    return vlanTci != NO_VLAN;
  }

  /** The 12-bit VLAN id, or -1 without a tag. */
  public int vlanId() {
    return hasVlan() ? vlanTci & 0x0FFF : NO_VLAN;
  }
}
