package io.heraldlb.speaker.responder;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpFrame;
import io.heraldlb.speaker.packet.ArpWriter;
import io.heraldlb.speaker.packet.FrameParser;
import io.heraldlb.speaker.packet.NdpFrame;
import io.heraldlb.speaker.packet.NdpWriter;
import io.heraldlb.speaker.packet.ParsedFrame;
import io.heraldlb.speaker.packet.Unparsed;
import java.util.Set;

/** The whole answer path for one captured frame: parse, then ARP or NDP decision. */
public final class Decision {
  private Decision() {}

  /** A buffer this long holds any reply. */
  public static final int MAX_REPLY_LENGTH = Math.max(ArpWriter.MAX_LENGTH, NdpWriter.MAX_LENGTH);

  public static Verdict decide(
      byte[] frame, int length, Link link, Set<IpAddress> announced, byte[] out) {
    return decide(FrameParser.parse(frame, length), link, announced, out);
  }

  public static Verdict decide(
      ParsedFrame parsed, Link link, Set<IpAddress> announced, byte[] out) {
    if (parsed instanceof ArpFrame arp) {
      return ArpDecision.decide(arp, link, announced, out);
    }
    if (parsed instanceof NdpFrame ndp) {
      return NdpDecision.decide(ndp, link, announced, out);
    }
    Unparsed unparsed = (Unparsed) parsed;
    return new Verdict.Drop(DropReason.of(unparsed.failure()), unparsed.detail());
  }
}
