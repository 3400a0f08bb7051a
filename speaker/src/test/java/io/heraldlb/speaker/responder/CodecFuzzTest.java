package io.heraldlb.speaker.responder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.heraldlb.speaker.packet.FrameParser;
import io.heraldlb.speaker.packet.ParsedFrame;
import io.heraldlb.speaker.packet.TestFrames;

/**
 * Coverage-guided fuzzing of parse + decision + conflict check. A plain {@code mvn test} runs it in
 * regression mode over the seed frames in {@code CodecFuzzTestInputs/}; {@code JAZZER_FUZZ=1 mvn
 * test -Dtest=CodecFuzzTest} fuzzes for real.
 */
class CodecFuzzTest {

  private static final Link ETH0 = new Link("eth0", TestFrames.OUR_MAC);
  private final byte[] out = new byte[Decision.MAX_REPLY_LENGTH];
  private final byte[] fastOut = new byte[Decision.MAX_REPLY_LENGTH];
  private final ArpFastPath fastPath = new ArpFastPath(TestFrames.OUR_MAC, RandomFrames.ANNOUNCED);

  @FuzzTest(maxDuration = "60s")
  void parseAndDecideNeverThrow(byte[] frame) {
    ParsedFrame parsed = FrameParser.parse(frame);
    Verdict verdict = Decision.decide(parsed, ETH0, RandomFrames.ANNOUNCED, out);
    ConflictCheck.check(parsed, ETH0, RandomFrames.ANNOUNCED);
    int fast = fastPath.answer(frame, frame.length, fastOut);
    boolean arpReply = verdict instanceof Verdict.Reply r && r.ip().isV4();
    assertEquals(arpReply, fast > 0, "the ARP fast path and the general path disagree");
    if (verdict instanceof Verdict.Reply reply) {
      ParsedFrame back = FrameParser.parse(reply.frame(), reply.length());
      Verdict again = Decision.decide(back, ETH0, RandomFrames.ANNOUNCED, new byte[out.length]);
      assertTrue(again instanceof Verdict.Drop, "a reply must parse back and not be answered");
      assertEquals(DropReason.NOT_A_REQUEST, ((Verdict.Drop) again).reason());
    }
  }
}
