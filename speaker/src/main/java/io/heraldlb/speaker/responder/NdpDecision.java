package io.heraldlb.speaker.responder;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.Ipv6;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.NdpFrame;
import io.heraldlb.speaker.packet.NdpWriter;
import java.util.Set;

/** Answers a Neighbor Solicitation for an announced IPv6 address; drops everything else. */
public final class NdpDecision {
  private NdpDecision() {}

  private static final Verdict.Drop ADVERTISEMENT =
      new Verdict.Drop(DropReason.NOT_A_REQUEST, "neighbor advertisement");
  private static final Verdict.Drop OURS =
      new Verdict.Drop(DropReason.FROM_OURSELVES, "NS from this interface's MAC");
  private static final Verdict.Drop OTHER_MAC =
      new Verdict.Drop(DropReason.NOT_FOR_US, "NS unicast to another MAC");
  private static final Verdict.Drop OTHER_DESTINATION =
      new Verdict.Drop(DropReason.NOT_FOR_US, "NS neither to the target nor to its group");
  private static final Verdict.Drop NOT_ANNOUNCED =
      new Verdict.Drop(DropReason.NOT_OURS, "NS for an address not announced here");

  /**
   * @param announced the addresses this node announces on {@code link}
   * @param out where a reply is written; at least {@link NdpWriter#MAX_LENGTH} bytes
   */
  public static Verdict decide(NdpFrame ndp, Link link, Set<IpAddress> announced, byte[] out) {
    if (!ndp.isSolicitation()) {
      return ADVERTISEMENT;
    }
    MacAddress ours = link.mac();
    if (ndp.ethernet().source().equals(ours)) {
      return OURS;
    }
    MacAddress to = ndp.ethernet().destination();
    if (!to.isMulticast() && !to.equals(ours)) {
      return OTHER_MAC;
    }
    // Address resolution goes to the target's solicited-node group, reachability checks to the
    // target itself; anything else was meant for some other host.
    IpAddress destination = ndp.destination();
    if (!destination.equals(ndp.target())
        && !destination.equals(Ipv6.solicitedNodeGroup(ndp.target()))) {
      return OTHER_DESTINATION;
    }
    if (!announced.contains(ndp.target())) {
      return NOT_ANNOUNCED;
    }
    int length = NdpWriter.writeSolicitedAdvertisement(out, ndp, ours);
    return new Verdict.Reply(out, length, ndp.target());
  }
}
