package io.heraldlb.speaker.responder;

import static io.heraldlb.speaker.packet.TestFrames.ASKER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OTHER_MAC;
import static io.heraldlb.speaker.packet.TestFrames.OUR_MAC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.TestFrames;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ArpFastPath} against the general path ({@link Decision}): on every frame it answers, the
 * general path answers with the same bytes, and on every ARP frame the general path answers, it
 * answers too.
 */
class ArpFastPathTest {

  static final Link ETH0 = new Link("eth0", OUR_MAC);
  static final int FRAMES = 200_000;

  private final byte[] fast = new byte[Decision.MAX_REPLY_LENGTH];
  private final byte[] general = new byte[Decision.MAX_REPLY_LENGTH];
  private int answered;

  @Test
  void answersExactlyWhereTheGeneralPathAnswersArpAndWithTheSameBytes() {
    ArpFastPath path = new ArpFastPath(OUR_MAC, RandomFrames.ANNOUNCED);
    Random random = new Random(20261121L);
    RandomFrames frames = new RandomFrames(random);
    for (int i = 0; i < FRAMES; i++) {
      byte[] frame = frames.next();
      if (frame.length >= 42 && random.nextInt(4) == 0) {
        frame = askerDiffersFromSender(frame, random);
      }
      compare(path, RandomFrames.ANNOUNCED, frame, frame.length);
      if (frame.length > 0) {
        compare(path, RandomFrames.ANNOUNCED, frame, random.nextInt(frame.length));
      }
    }
    assertTrue(answered > FRAMES / 100, "the generator rarely reached the fast path: " + answered);
  }

  @Test
  void aCleanRequestIsAnsweredWithAndWithoutAVlanTag() {
    ArpFastPath path = new ArpFastPath(OUR_MAC, RandomFrames.ANNOUNCED);
    byte[] request = TestFrames.arpRequest(ASKER_MAC, "192.0.2.7", "192.0.2.10");
    byte[] tagged =
        TestFrames.arp(
            1,
            MacAddress.BROADCAST,
            ASKER_MAC,
            0x2064,
            ASKER_MAC,
            "192.0.2.7",
            OTHER_MAC,
            "192.0.2.10");
    assertEquals(42, path.answer(request, request.length, fast));
    assertEquals(46, path.answer(tagged, tagged.length, fast));
    compare(path, RandomFrames.ANNOUNCED, request, request.length);
    compare(path, RandomFrames.ANNOUNCED, tagged, tagged.length);
  }

  @Test
  void leavesEveryOtherCaseToTheGeneralPath() {
    ArpFastPath path = new ArpFastPath(OUR_MAC, RandomFrames.ANNOUNCED);
    byte[] request = TestFrames.arpRequest(ASKER_MAC, "192.0.2.7", "192.0.2.10");
    List<byte[]> others =
        List.of(
            TestFrames.arpRequest(ASKER_MAC, "192.0.2.7", "192.0.2.11"), // not announced
            TestFrames.arpRequest(ASKER_MAC, "192.0.2.10", "192.0.2.10"), // gratuitous
            TestFrames.arpRequest(OUR_MAC, "192.0.2.7", "192.0.2.10"), // from ourselves
            TestFrames.arpReply(ASKER_MAC, "192.0.2.7", OUR_MAC, "192.0.2.10"),
            TestFrames.patch(request, 0, 0x02, 0, 0, 0, 0, 0xbb), // to another MAC
            TestFrames.patch(request, 19, 16), // hardware length 16
            TestFrames.patch(request, 20, 0, 3), // operation 3
            TestFrames.neighborSolicitation(ASKER_MAC, "2001:db8::7", "2001:db8::10"),
            Arrays.copyOf(request, 41));
    for (byte[] frame : others) {
      assertEquals(0, path.answer(frame, frame.length, fast), HexFormat.of().formatHex(frame));
    }
    assertEquals(0, path.answer(request, 41, fast), "a length shorter than the request");
    ArpFastPath nothing = new ArpFastPath(OUR_MAC, Set.of());
    assertEquals(0, nothing.answer(request, request.length, fast));
  }

  @Test
  void looksUpAmongManyAddresses() {
    Set<IpAddress> many = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      many.add(IpAddress.parse("10.1." + i / 256 + "." + i % 256));
    }
    many.add(IpAddress.parse("2001:db8::10"));
    ArpFastPath path = new ArpFastPath(OUR_MAC, many);
    for (String target : List.of("10.1.0.0", "10.1.3.231", "10.1.1.77", "10.1.3.232", "0.0.0.1")) {
      byte[] frame = TestFrames.arpRequest(ASKER_MAC, "10.9.9.9", target);
      compare(path, many, frame, frame.length);
    }
  }

  /** The ARP sender's MAC set apart from the Ethernet source: replies go to the former. */
  private static byte[] askerDiffersFromSender(byte[] frame, Random random) {
    int arp = (frame[12] & 0xFF) == 0x81 && frame[13] == 0 ? 18 : 14;
    if (frame.length < arp + 14) {
      return frame;
    }
    MacAddress sha = List.of(OUR_MAC, ASKER_MAC, OTHER_MAC).get(random.nextInt(3));
    byte[] copy = frame.clone();
    System.arraycopy(sha.toBytes(), 0, copy, arp + 8, 6);
    return copy;
  }

  private void compare(ArpFastPath path, Set<IpAddress> announced, byte[] frame, int length) {
    byte[] before = frame.clone();
    int fastLength = path.answer(frame, length, fast);
    Verdict verdict = Decision.decide(frame, length, ETH0, announced, general);
    String shown = HexFormat.of().formatHex(frame, 0, length);
    assertArrayEquals(before, frame, "the fast path changed the frame");
    boolean generalAnswersArp = verdict instanceof Verdict.Reply r && r.ip().isV4();
    assertEquals(generalAnswersArp, fastLength > 0, "answered by one path only: " + shown);
    if (fastLength > 0) {
      answered++;
      Verdict.Reply reply = (Verdict.Reply) verdict;
      assertEquals(reply.length(), fastLength, shown);
      assertArrayEquals(
          Arrays.copyOf(reply.frame(), reply.length()), Arrays.copyOf(fast, fastLength), shown);
    }
  }
}
