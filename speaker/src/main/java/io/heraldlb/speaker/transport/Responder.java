package io.heraldlb.speaker.transport;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpFrame;
import io.heraldlb.speaker.packet.FrameParser;
import io.heraldlb.speaker.packet.NdpFrame;
import io.heraldlb.speaker.packet.ParsedFrame;
import io.heraldlb.speaker.responder.AnnouncedTable;
import io.heraldlb.speaker.responder.Conflict;
import io.heraldlb.speaker.responder.ConflictCheck;
import io.heraldlb.speaker.responder.Decision;
import io.heraldlb.speaker.responder.DropReason;
import io.heraldlb.speaker.responder.Link;
import io.heraldlb.speaker.responder.Verdict;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture-thread side of one interface: parse, look for conflicts, decide, reply. Replies are
 * written into one buffer owned by this responder, so answering allocates no frame. Never throws: a
 * capture thread that died on a hostile frame would silence the interface.
 */
public final class Responder implements FrameHandler {
  private static final Logger log = LoggerFactory.getLogger(Responder.class);

  private final Link link;
  private final Supplier<AnnouncedTable> table;
  private final Consumer<Conflict> conflicts;
  private final ResponderCounters counters;
  private final byte[] out = new byte[Decision.MAX_REPLY_LENGTH];

  public Responder(
      Link link,
      Supplier<AnnouncedTable> table,
      Consumer<Conflict> conflicts,
      ResponderCounters counters) {
    this.link = link;
    this.table = table;
    this.conflicts = conflicts;
    this.counters = counters;
  }

  @Override
  public void onFrame(byte[] frame, int length, Port from) {
    try {
      handle(frame, length, from);
    } catch (RuntimeException e) {
      counters.dropped(DropReason.MALFORMED);
      log.debug("frame on {} dropped after an error", link.name(), e);
    }
  }

  private void handle(byte[] frame, int length, Port from) {
    ParsedFrame parsed = FrameParser.parse(frame, length);
    Set<IpAddress> announced = table.get().on(link.name());
    // Requests for addresses announced here: what the kernel filter lets through below 256
    // addresses, and the same count above, where it lets every ARP/NDP through.
    if (parsed instanceof ArpFrame arp
        && arp.isRequest()
        && !arp.isGratuitous()
        && announced.contains(arp.targetIp())) {
      counters.requestReceived(false);
    } else if (parsed instanceof NdpFrame ndp
        && ndp.isSolicitation()
        && announced.contains(ndp.target())) {
      counters.requestReceived(true);
    }
    if (!announced.isEmpty()) {
      ConflictCheck.check(parsed, link, announced).ifPresent(conflicts);
    }
    Verdict verdict = Decision.decide(parsed, link, announced, out);
    if (verdict instanceof Verdict.Reply reply) {
      if (from.send(reply.frame(), reply.length())) {
        counters.replySent(!reply.ip().isV4());
      } else {
        counters.sendFailed();
      }
    } else {
      counters.dropped(((Verdict.Drop) verdict).reason());
    }
  }
}
