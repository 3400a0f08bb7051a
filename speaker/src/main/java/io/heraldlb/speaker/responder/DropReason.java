package io.heraldlb.speaker.responder;

import io.heraldlb.speaker.packet.ParseFailure;

/** Why a captured frame got no answer; one counter per value. */
public enum DropReason {
  MALFORMED,
  NOT_ARP_OR_NDP,
  BAD_CHECKSUM,
  BAD_HOP_LIMIT,
  /** An ARP reply, a gratuitous ARP, a Neighbor Advertisement: nothing asked. */
  NOT_A_REQUEST,
  /** Sent by this interface: our own announcements, captured on the way out. */
  FROM_OURSELVES,
  /** Unicast to another MAC (seen in promiscuous mode) or to another IPv6 destination. */
  NOT_FOR_US,
  /** Asks for an IP this node does not announce on this interface. */
  NOT_OURS;

  static DropReason of(ParseFailure failure) {
    return switch (failure) {
      case MALFORMED -> MALFORMED;
      case NOT_ARP_OR_NDP -> NOT_ARP_OR_NDP;
      case BAD_CHECKSUM -> BAD_CHECKSUM;
      case BAD_HOP_LIMIT -> BAD_HOP_LIMIT;
    };
  }
}
