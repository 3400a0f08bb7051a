package io.heraldlb.speaker.transport;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpFrame;
import io.heraldlb.speaker.packet.FrameParser;
import io.heraldlb.speaker.packet.NdpFrame;
import io.heraldlb.speaker.packet.ParsedFrame;
import io.heraldlb.speaker.responder.AnnouncedTable;
import io.heraldlb.speaker.responder.ArpFastPath;
import io.heraldlb.speaker.responder.Conflict;
import io.heraldlb.speaker.responder.ConflictCheck;
import io.heraldlb.speaker.responder.Decision;
import io.heraldlb.speaker.responder.DropReason;
import io.heraldlb.speaker.responder.Link;
import io.heraldlb.speaker.responder.Verdict;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture-thread side of one interface: parse, look for conflicts, decide, reply. An ordinary
 * ARP request for an announced address is answered by {@link ArpFastPath} without parsing; every
 * other frame takes the general path. Replies are written into one buffer owned by this responder,
 * so answering allocates no frame. Never throws: a capture thread that died on a hostile frame
 * would silence the interface.
 */
public final class Responder implements FrameHandler {
  private static final Logger log = LoggerFactory.getLogger(Responder.class);

  private final Link link;
  private final Supplier<AnnouncedTable> table;
  private final Consumer<Conflict> conflicts;
  private final ResponderCounters counters;
  private final byte[] out = new byte[Decision.MAX_REPLY_LENGTH];

  /** What {@link #table} held at the last frame, and what it announces on this link. */
  private @Nullable AnnouncedTable seen;

  private Set<IpAddress> announced = Set.of();
  private ArpFastPath fastPath;

  public Responder(
      Link link,
      Supplier<AnnouncedTable> table,
      Consumer<Conflict> conflicts,
      ResponderCounters counters) {
    this.link = link;
    this.table = table;
    this.conflicts = conflicts;
    this.counters = counters;
    this.fastPath = new ArpFastPath(link.mac(), announced);
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
    AnnouncedTable current = table.get();
    if (current != seen) {
      seen = current;
      announced = current.on(link.name());
      fastPath = new ArpFastPath(link.mac(), announced);
    }
    int replyLength = fastPath.answer(frame, length, out);
    if (replyLength > 0) {
      counters.requestReceived(false);
      sent(from.send(out, replyLength), false);
      return;
    }
    ParsedFrame parsed = FrameParser.parse(frame, length);
    // Requests for addresses announced here: what the kernel filter lets through up to 128
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
      sent(from.send(reply.frame(), reply.length()), !reply.ip().isV4());
    } else {
      counters.dropped(((Verdict.Drop) verdict).reason());
    }
  }

  private void sent(boolean ok, boolean ndp) {
    if (ok) {
      counters.replySent(ndp);
    } else {
      counters.sendFailed();
    }
  }
}
