package io.heraldlb.speaker.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class CapturePlanTest {

  static BitSet cpus(String list) {
    return CpuList.parse(list);
  }

  static String pins(CapturePlan plan) {
    return plan.toString();
  }

  @Test
  void readsTheKernelsCpuListFormat() {
    assertEquals(cpus("0-3,8,10-11"), bits(0, 1, 2, 3, 8, 10, 11));
    assertEquals(bits(0), cpus("0\n"));
    assertEquals(bits(5), cpus("5-5"));
  }

  @Test
  void refusesACpuListThatIsNotOneAndNamesWhatIsWrong() {
    for (String bad : new String[] {"", "a", "1-", "-1", "3-1", "0,,1", "99999", "0-2147483648"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> CpuList.parse(bad), bad);
      assertTrue(e.getMessage().contains("CPU list"), e.getMessage());
    }
  }

  @Test
  void givesEachCpuACapturePinnedToIt() {
    CapturePlan plan = CapturePlan.of(cpus("0-3"), cpus("0-3"), 8);
    assertEquals("[0, 1, 2, 3]", pins(plan));
    assertTrue(plan.fanout());
  }

  @Test
  void stopsAtTheLimitAndTheKernelFoldsTheOtherCpusOntoThoseCaptures() {
    assertEquals("[0, 1, 2, 3, 4, 5, 6, 7]", pins(CapturePlan.of(cpus("0-63"), cpus("0-63"), 8)));
  }

  @Test
  void leavesUnpinnedTheCapturesOfCpusThisProcessMayNotRunOn() {
    assertEquals("[-1, -1, 2, 3]", pins(CapturePlan.of(cpus("0-3"), cpus("2-3"), 8)));
  }

  @Test
  void oneCpuOrALimitOfOneMeansOneUnpinnedCaptureWithoutFanout() {
    for (CapturePlan plan :
        new CapturePlan[] {
          CapturePlan.of(cpus("0"), cpus("0"), 8), CapturePlan.of(cpus("0-7"), cpus("0-7"), 1)
        }) {
      assertEquals("[-1]", pins(plan));
      assertFalse(plan.fanout());
    }
  }

  private static BitSet bits(int... cpus) {
    BitSet b = new BitSet();
    for (int c : cpus) {
      b.set(c);
    }
    return b;
  }
}
