package io.heraldlb.speaker.responder;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpFrame;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.NdpFrame;
import io.heraldlb.speaker.packet.ParsedFrame;
import java.util.Optional;
import java.util.Set;

/**
 * Spots another station claiming one of our addresses: an ARP reply or gratuitous ARP whose sender
 * address we announce, or a Neighbor Advertisement for a target we announce, from a MAC that is not
 * this interface's. Requests are not claims (a probe from {@code 0.0.0.0} or {@code ::} is how a
 * host checks before it takes an address), so they never count.
 */
public final class ConflictCheck {
  private ConflictCheck() {}

  public static Optional<Conflict> check(ParsedFrame frame, Link link, Set<IpAddress> announced) {
    if (frame instanceof ArpFrame arp) {
      return arp(arp, link, announced);
    }
    if (frame instanceof NdpFrame ndp) {
      return ndp(ndp, link, announced);
    }
    return Optional.empty();
  }

  private static Optional<Conflict> arp(ArpFrame arp, Link link, Set<IpAddress> announced) {
    boolean claim = arp.isReply() || arp.isGratuitous();
    return claim && announced.contains(arp.senderIp())
        ? foreign(arp.ethernet().source(), arp.senderMac(), arp.senderIp(), link)
        : Optional.empty();
  }

  private static Optional<Conflict> ndp(NdpFrame ndp, Link link, Set<IpAddress> announced) {
    if (!ndp.isAdvertisement() || !announced.contains(ndp.target())) {
      return Optional.empty();
    }
    MacAddress claimed = ndp.linkLayerAddress().orElse(ndp.ethernet().source());
    return foreign(ndp.ethernet().source(), claimed, ndp.target(), link);
  }

  private static Optional<Conflict> foreign(
      MacAddress frameSource, MacAddress claimed, IpAddress ip, Link link) {
    if (frameSource.equals(link.mac()) || claimed.equals(link.mac())) {
      return Optional.empty(); // our own announcement, captured on the way out
    }
    return Optional.of(new Conflict(ip, claimed, link.name()));
  }
}
