package io.heraldlb.speaker.packet;

import io.heraldlb.config.IpAddress;
import java.util.Optional;

/**
 * An ICMPv6 Neighbor Solicitation or Advertisement that passed the validity checks of RFC 4861 (hop
 * limit 255, checksum, code 0, lengths, no multicast target).
 *
 * @param flags the first byte after the checksum: Router, Solicited and Override bits of an NA
 * @param linkLayerAddress the source (NS) or target (NA) link-layer address option, if present
 */
public record NdpFrame(
    Ethernet ethernet,
    IpAddress source,
    IpAddress destination,
    int type,
    int flags,
    IpAddress target,
    Optional<MacAddress> linkLayerAddress)
    implements ParsedFrame {

  public static final int NEIGHBOR_SOLICITATION = 135;
  public static final int NEIGHBOR_ADVERTISEMENT = 136;

  public static final int FLAG_ROUTER = 0x80;
  public static final int FLAG_SOLICITED = 0x40;
  public static final int FLAG_OVERRIDE = 0x20;

  public boolean isSolicitation() {
    return type == NEIGHBOR_SOLICITATION;
  }

  public boolean isAdvertisement() {
    return type == NEIGHBOR_ADVERTISEMENT;
  }

  /** Duplicate address detection: a solicitation from the unspecified address {@code ::}. */
  public boolean isDuplicateAddressDetection() {
    return isSolicitation() && source.equals(Ipv6.UNSPECIFIED);
  }

  public boolean router() {
    return (flags & FLAG_ROUTER) != 0;
  }

  public boolean solicited() {
    return (flags & FLAG_SOLICITED) != 0;
  }

  public boolean override() {
    return (flags & FLAG_OVERRIDE) != 0;
  }
}
