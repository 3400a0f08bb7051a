package io.heraldlb.speaker.responder;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpFrame;
import io.heraldlb.speaker.packet.ArpWriter;
import io.heraldlb.speaker.packet.Bytes;
import io.heraldlb.speaker.packet.EtherTypes;
import io.heraldlb.speaker.packet.MacAddress;
import java.util.Arrays;
import java.util.Set;

/**
 * The answer path's common case in one method: a well-formed ARP request, broadcast or to this
 * interface, from another station, asking for an address announced here. Anything else returns 0
 * and goes the general way ({@code FrameParser}, {@link ConflictCheck}, {@link Decision}).
 *
 * <p>Why a second path: between two requests 10 ms apart the general one goes cold. Measured in the
 * lab, its parse, lookups, counting and decision then took about 20 µs per request (nine small
 * allocations among them), and this method with its lookup about 5, against a kernel that answers
 * in 30 to 80. The reply it writes is {@link ArpWriter#writeReply}'s, byte for byte, and it answers
 * exactly where {@link ArpDecision} would: {@code ArpFastPathTest} holds it to both on generated
 * and mutated frames.
 */
public final class ArpFastPath {
  private static final long BROADCAST = MacAddress.BROADCAST.value();
  private static final int HTYPE_ETHERNET = 1;
  private static final int SIZES_6_AND_4 = 0x0604;

  private final MacAddress ours;
  private final int[] announced;

  /**
   * @param ours this interface's MAC
   * @param announced the addresses announced on it; only the IPv4 ones matter here
   */
  public ArpFastPath(MacAddress ours, Set<IpAddress> announced) {
    this.ours = ours;
    // A plain loop: this runs on a capture thread at the first frame after every change.
    int[] v4 = new int[announced.size()];
    int n = 0;
    for (IpAddress ip : announced) {
      if (ip.isV4()) {
        v4[n++] = Bytes.u32(ip.toBytes(), 0);
      }
    }
    this.announced = Arrays.copyOf(v4, n);
    Arrays.sort(this.announced);
  }

  /**
   * Writes the reply to {@code frame} into {@code out} if the frame is the common case.
   *
   * @param out at least {@link ArpWriter#MAX_LENGTH} bytes
   * @return the reply's length, or 0: let the general path decide
   */
  public int answer(byte[] frame, int length, byte[] out) {
    if (length > frame.length || length < 42) {
      return 0;
    }
    int arp = 14;
    int tci = -1;
    if (Bytes.u16(frame, 12) == EtherTypes.VLAN) {
      tci = Bytes.u16(frame, 14);
      arp = 18;
      if (length < 46) {
        return 0;
      }
    }
    if (Bytes.u16(frame, arp - 2) != EtherTypes.ARP
        || Bytes.u16(frame, arp) != HTYPE_ETHERNET
        || Bytes.u16(frame, arp + 2) != EtherTypes.IPV4
        || Bytes.u16(frame, arp + 4) != SIZES_6_AND_4
        || Bytes.u16(frame, arp + 6) != ArpFrame.REQUEST) {
      return 0;
    }
    long us = ours.value();
    long destination = Bytes.u48(frame, 0);
    if (Bytes.u32(frame, arp + 14) == Bytes.u32(frame, arp + 24) // gratuitous
        || Bytes.u48(frame, 6) == us
        || Bytes.u48(frame, arp + 8) == us
        || (destination != BROADCAST && destination != us)
        || Arrays.binarySearch(announced, Bytes.u32(frame, arp + 24)) < 0) {
      return 0;
    }
    // To the asker's ARP hardware address, from ours, with the request's tag.
    System.arraycopy(frame, arp + 8, out, 0, 6);
    ours.writeTo(out, 6);
    int reply = 14;
    if (tci >= 0) {
      Bytes.putU16(out, 12, EtherTypes.VLAN);
      Bytes.putU16(out, 14, tci);
      reply = 18;
    }
    Bytes.putU16(out, reply - 2, EtherTypes.ARP);
    Bytes.putU16(out, reply, HTYPE_ETHERNET);
    Bytes.putU16(out, reply + 2, EtherTypes.IPV4);
    Bytes.putU16(out, reply + 4, SIZES_6_AND_4);
    Bytes.putU16(out, reply + 6, ArpFrame.REPLY);
    ours.writeTo(out, reply + 8);
    System.arraycopy(frame, arp + 24, out, reply + 14, 4); // the address asked for is ours
    System.arraycopy(frame, arp + 8, out, reply + 18, 10); // the asker's MAC and address
    return reply + 28;
  }
}
