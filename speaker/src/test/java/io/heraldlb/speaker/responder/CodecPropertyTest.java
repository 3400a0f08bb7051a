package io.heraldlb.speaker.responder;

import static io.heraldlb.speaker.packet.TestFrames.ASKER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OTHER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OUR_MAC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpFrame;
import io.heraldlb.speaker.packet.FrameParser;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.NdpFrame;
import io.heraldlb.speaker.packet.ParsedFrame;
import io.heraldlb.speaker.packet.Unparsed;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Feeds 200,000 random and mutated frames through parse, decision and conflict check, with a fixed
 * seed so a failure repeats. The fuzz test explores further when run with Jazzer; this one makes
 * every plain build check the same properties.
 */
class CodecPropertyTest {

  static final int FRAMES = 200_000;
  static final Link ETH0 = new Link("eth0", OUR_MAC);
  static final Set<IpAddress> ANNOUNCED = RandomFrames.ANNOUNCED;

  private final byte[] out = new byte[Decision.MAX_REPLY_LENGTH];
  private final byte[] echo = new byte[Decision.MAX_REPLY_LENGTH];
  private final Map<DropReason, Integer> drops = new EnumMap<>(DropReason.class);
  private int replies;

  @Test
  void parseAndDecisionSurviveRandomAndMutatedFramesAndRepliesParseBack() {
    RandomFrames frames = new RandomFrames(new Random(20240501L));
    for (int i = 0; i < FRAMES; i++) {
      byte[] frame = frames.next();
      checkOne(frame, frame.length);
      if (frame.length > 0) {
        checkOne(frame, frames.random().nextInt(frame.length)); // a length shorter than the array
      }
    }
    // The generator must reach every outcome, or the run above proves little.
    assertEquals(Set.of(DropReason.values()), drops.keySet(), drops.toString());
    assertTrue(replies > FRAMES / 50, "replies: " + replies);
  }

  private void checkOne(byte[] frame, int length) {
    byte[] before = frame.clone();
    ParsedFrame parsed = FrameParser.parse(frame, length);
    assertNotNull(parsed);
    if (parsed instanceof Unparsed u) {
      assertNotNull(u.failure());
      assertNotNull(u.detail());
    }
    Verdict verdict = Decision.decide(parsed, ETH0, ANNOUNCED, out);
    if (verdict instanceof Verdict.Reply reply) {
      replies++;
      checkReply(reply);
    } else {
      Verdict.Drop drop = (Verdict.Drop) verdict;
      drops.merge(drop.reason(), 1, Integer::sum);
      if (parsed instanceof Unparsed u) {
        assertEquals(DropReason.of(u.failure()), drop.reason());
      }
    }
    Optional<Conflict> conflict = ConflictCheck.check(parsed, ETH0, ANNOUNCED);
    conflict.ifPresent(
        c -> {
          assertTrue(ANNOUNCED.contains(c.ip()));
          assertNotEquals(OUR_MAC, c.mac());
        });
    assertArrayEquals(before, frame, "parsing must not change the frame");
  }

  /** A reply is a valid ARP reply or NA from us, about an announced IP, that asks nothing back. */
  private void checkReply(Verdict.Reply reply) {
    assertTrue(ANNOUNCED.contains(reply.ip()));
    assertTrue(reply.length() <= Decision.MAX_REPLY_LENGTH);
    ParsedFrame back = FrameParser.parse(reply.frame(), reply.length());
    if (back instanceof ArpFrame arp) {
      assertTrue(arp.isReply());
      assertEquals(OUR_MAC, arp.senderMac());
      assertEquals(reply.ip(), arp.senderIp());
    } else {
      NdpFrame na = assertInstanceOf(NdpFrame.class, back, back.toString());
      assertTrue(na.isAdvertisement());
      assertEquals(reply.ip(), na.target());
      assertEquals(Optional.of(OUR_MAC), na.linkLayerAddress());
    }
    assertEquals(OUR_MAC, MacAddress.read(reply.frame(), 6));
    // Our own reply, captured on the way out, must not be answered: no reply loops.
    Verdict again = Decision.decide(back, ETH0, ANNOUNCED, echo);
    assertEquals(DropReason.NOT_A_REQUEST, ((Verdict.Drop) again).reason());
    assertEquals(Optional.empty(), ConflictCheck.check(back, ETH0, ANNOUNCED));
  }

  @Test
  void randomMacsIncludeOursAndOthers() {
    // Guards the generator: the drop reasons above depend on these MACs being drawn.
    assertTrue(RandomFrames.MACS.contains(OUR_MAC));
    assertTrue(RandomFrames.MACS.contains(ASKER_MAC));
    assertTrue(RandomFrames.MACS.contains(OTHER_MAC));
  }
}
