package io.heraldlb.speaker.transport;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpWriter;
import io.heraldlb.speaker.packet.Ethernet;
import io.heraldlb.speaker.packet.Ipv6;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.NdpFrame;
import io.heraldlb.speaker.packet.NdpWriter;
import io.heraldlb.speaker.responder.AnnouncedTable;
import io.heraldlb.speaker.responder.Decision;
import io.heraldlb.speaker.responder.DropReason;
import io.heraldlb.speaker.responder.Link;
import io.heraldlb.speaker.responder.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Runs the answer path on synthetic frames before the first real one arrives: the first reply of a
 * cold JVM takes 70-100 ms of class loading and interpretation, the target is 10 ms. Nothing is
 * sent.
 */
public final class Warmup {
  private Warmup() {}

  private static final MacAddress OURS = MacAddress.parse("02:00:5e:00:00:01");
  private static final MacAddress ASKER = MacAddress.parse("02:00:5e:00:00:02");
  private static final IpAddress V4 = IpAddress.parse("192.0.2.1");
  private static final IpAddress V4_ASKER = IpAddress.parse("192.0.2.2");
  private static final IpAddress V6 = IpAddress.parse("2001:db8::1");

  /** Returns how many replies were produced (so the work cannot be optimised away). */
  public static int run(int rounds) {
    Link link = new Link("warmup", OURS);
    AnnouncedTable table = AnnouncedTable.of(Map.of(V4, List.of("warmup"), V6, List.of("warmup")));
    byte[] request = arpRequest();
    byte[] garp = new byte[ArpWriter.MAX_LENGTH];
    int garpLength = ArpWriter.writeGratuitous(garp, ArpWriter.GratuitousForm.REPLY, ASKER, V4, -1);
    byte[] na = new byte[NdpWriter.MAX_LENGTH];
    int naLength = NdpWriter.writeUnsolicitedAdvertisement(na, ASKER, V6, -1);
    NdpFrame ns = solicitation();
    Counting counters = new Counting();
    Port sink = new NullPort(link);
    Responder responder = new Responder(link, () -> table, c -> {}, counters);
    byte[] out = new byte[Decision.MAX_REPLY_LENGTH];
    for (int i = 0; i < rounds; i++) {
      responder.onFrame(request, request.length, sink);
      responder.onFrame(garp, garpLength, sink);
      responder.onFrame(na, naLength, sink);
      if (Decision.decide(ns, link, Set.of(V6), out) instanceof Verdict.Reply r) {
        responder.onFrame(r.frame(), r.length(), sink);
      }
    }
    return counters.replies;
  }

  private static byte[] arpRequest() {
    byte[] frame = new byte[ArpWriter.MAX_LENGTH];
    int length =
        ArpWriter.writeGratuitous(frame, ArpWriter.GratuitousForm.REQUEST, ASKER, V4_ASKER, -1);
    System.arraycopy(V4.toBytes(), 0, frame, length - 4, 4); // ask for V4 instead of announcing
    return java.util.Arrays.copyOf(frame, length);
  }

  private static NdpFrame solicitation() {
    IpAddress group = Ipv6.solicitedNodeGroup(V6);
    return new NdpFrame(
        new Ethernet(MacAddress.ofIpv6Multicast(group), ASKER, Ethernet.NO_VLAN),
        IpAddress.parse("fe80::2"),
        group,
        NdpFrame.NEIGHBOR_SOLICITATION,
        0,
        V6,
        Optional.of(ASKER));
  }

  private static final class Counting implements ResponderCounters {
    int replies;

    @Override
    public void requestReceived(boolean ndp) {}

    @Override
    public void replySent(boolean ndp) {
      replies++;
    }

    @Override
    public void sendFailed() {}

    @Override
    public void dropped(DropReason reason) {}
  }

  private record NullPort(Link link) implements Port {
    @Override
    public boolean send(byte[] frame, int length) {
      return true;
    }

    @Override
    public @Nullable String problem() {
      return null;
    }

    @Override
    public void close() {}
  }
}
