package io.heraldlb.speaker.packet;

/** Why a frame is neither a usable ARP packet nor a usable NDP message. */
public enum ParseFailure {
  /** Truncated, lengths that lie, fields with impossible values. */
  MALFORMED,
  /** Well-formed enough, but some other protocol (IPv4, other ICMPv6 types, other ARP kinds). */
  NOT_ARP_OR_NDP,
  /** An NS or NA whose ICMPv6 checksum does not add up. */
  BAD_CHECKSUM,
  /** An NS or NA whose hop limit is not 255: it may have crossed a router (RFC 4861 7.1). */
  BAD_HOP_LIMIT
}
