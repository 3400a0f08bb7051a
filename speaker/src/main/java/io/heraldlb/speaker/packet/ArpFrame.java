package io.heraldlb.speaker.packet;

import io.heraldlb.config.IpAddress;

/** An ARP packet for IPv4 over Ethernet. */
public record ArpFrame(
    Ethernet ethernet,
    int operation,
    MacAddress senderMac,
    IpAddress senderIp,
    MacAddress targetMac,
    IpAddress targetIp)
    implements ParsedFrame {

  public static final int REQUEST = 1;
  public static final int REPLY = 2;

  public boolean isRequest() {
    return operation == REQUEST;
  }

  public boolean isReply() {
    return operation == REPLY;
  }

  /** Announces the sender's own address instead of asking for another one. */
  public boolean isGratuitous() {
    return senderIp.equals(targetIp);
  }
}
