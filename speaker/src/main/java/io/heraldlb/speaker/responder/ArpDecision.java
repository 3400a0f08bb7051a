package io.heraldlb.speaker.responder;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpFrame;
import io.heraldlb.speaker.packet.ArpWriter;
import io.heraldlb.speaker.packet.MacAddress;
import java.util.Set;

/** Answers an ARP request for an announced IPv4 address; drops everything else. */
public final class ArpDecision {
  private ArpDecision() {}

  private static final Verdict.Drop REPLY = new Verdict.Drop(DropReason.NOT_A_REQUEST, "ARP reply");
  private static final Verdict.Drop GRATUITOUS =
      new Verdict.Drop(DropReason.NOT_A_REQUEST, "gratuitous ARP");
  private static final Verdict.Drop OURS =
      new Verdict.Drop(DropReason.FROM_OURSELVES, "ARP from this interface's MAC");
  private static final Verdict.Drop OTHER_MAC =
      new Verdict.Drop(DropReason.NOT_FOR_US, "ARP unicast to another MAC");
  private static final Verdict.Drop NOT_ANNOUNCED =
      new Verdict.Drop(DropReason.NOT_OURS, "ARP for an address not announced here");

  /**
   * @param announced the addresses this node announces on {@code link}
   * @param out where a reply is written; at least {@link ArpWriter#MAX_LENGTH} bytes
   */
  public static Verdict decide(ArpFrame arp, Link link, Set<IpAddress> announced, byte[] out) {
    if (!arp.isRequest()) {
      return REPLY;
    }
    if (arp.isGratuitous()) {
      // Someone announcing the address, not asking for it; ConflictCheck looks at these.
      return GRATUITOUS;
    }
    MacAddress ours = link.mac();
    if (arp.ethernet().source().equals(ours) || arp.senderMac().equals(ours)) {
      return OURS;
    }
    MacAddress to = arp.ethernet().destination();
    if (!to.isBroadcast() && !to.equals(ours)) {
      return OTHER_MAC;
    }
    if (!announced.contains(arp.targetIp())) {
      return NOT_ANNOUNCED;
    }
    int length = ArpWriter.writeReply(out, arp, ours);
    return new Verdict.Reply(out, length, arp.targetIp());
  }
}
