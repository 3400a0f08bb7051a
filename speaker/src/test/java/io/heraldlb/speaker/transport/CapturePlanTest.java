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
    assertEquals("[0 1 2 3]", pins(plan));
    assertEquals(bits(2), plan.pin(2));
    assertTrue(plan.fanout());
  }

  @Test
  void stopsAtTheLimitAndLetsEachThreadRunOnEveryCpuTheKernelFoldsOntoItsCapture() {
    CapturePlan plan = CapturePlan.of(cpus("0-11"), cpus("0-11"), 8);
    assertEquals("[0,8 1,9 2,10 3,11 4 5 6 7]", pins(plan));
    assertEquals(bits(1, 9), plan.pin(1));
    assertEquals("[0,4 1,5 2,6 3,7]", pins(CapturePlan.of(cpus("0-7"), cpus("0-7"), 4)));
  }

  @Test
  void writesTheKernelsCpuListFormat() {
    assertEquals("0-3,8,10-11", CpuList.format(cpus("0-3,8,10-11")));
    assertEquals("5", CpuList.format(bits(5)));
    assertEquals("", CpuList.format(new BitSet()));
  }

  @Test
  void leavesUnpinnedTheCapturesOfCpusThisProcessMayNotRunOn() {
    assertEquals("[- - 2 3]", pins(CapturePlan.of(cpus("0-3"), cpus("2-3"), 8)));
    assertEquals("[- 1,3]", pins(CapturePlan.of(cpus("0-3"), cpus("1,3"), 2)));
  }

  @Test
  void oneCpuOrALimitOfOneMeansOneUnpinnedCaptureWithoutFanout() {
    for (CapturePlan plan :
        new CapturePlan[] {
          CapturePlan.of(cpus("0"), cpus("0"), 8), CapturePlan.of(cpus("0-7"), cpus("0-7"), 1)
        }) {
      assertEquals("[-]", pins(plan));
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
