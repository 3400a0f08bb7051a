package io.heraldlb.allocator.ipam;

import static io.heraldlb.allocator.ipam.IpamFixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heraldlb.config.IpAddress;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsedAddressesTest {

  @ParameterizedTest(name = "avoidBuggy={0}")
  @ValueSource(booleans = {false, true})
  void findsTheSameLowestFreeAddressAsANaiveScan(boolean avoidBuggy) {
    IpAddress base = ip("10.0.0.250");
    int size = 600; // crosses two .255/.0 boundaries
    UsedAddresses used = new UsedAddresses(avoidBuggy);
    BitSet model = new BitSet(size);
    Random random = new Random(7);
    for (int step = 0; step < 20_000; step++) {
      int i = random.nextInt(size);
      IpAddress a = base.plus(i);
      boolean skipped = avoidBuggy && UsedAddresses.isBuggy(a);
      if (!skipped && !model.get(i) && random.nextInt(3) > 0) {
        used.add(a);
        model.set(i);
      } else if (model.get(i)) {
        used.remove(a);
        model.clear(i);
      }
      int from = random.nextInt(size);
      int to = from + random.nextInt(size - from);
      assertEquals(
          naiveLowestFree(model, base, from, to, avoidBuggy),
          used.lowestFree(base.plus(from), base.plus(to)),
          "step " + step);
      assertEquals(model.get(i), used.contains(a));
    }
  }

  private static IpAddress naiveLowestFree(
      BitSet model, IpAddress base, int from, int to, boolean avoidBuggy) {
    for (int i = from; i <= to; i++) {
      IpAddress a = base.plus(i);
      if (!model.get(i) && !(avoidBuggy && UsedAddresses.isBuggy(a))) {
        return a;
      }
    }
    return null;
  }

  @Test
  void keepsAFullPoolThatSkipsBuggyAddressesAsOneRun() {
    UsedAddresses used = new UsedAddresses(true);
    IpAddress first = ip("10.1.0.0");
    IpAddress last = ip("10.1.255.255");
    for (IpAddress a = used.lowestFree(first, last); a != null; a = used.lowestFree(first, last)) {
      used.add(a);
    }
    assertEquals(1, used.runCount());
    used.remove(ip("10.1.7.7"));
    assertEquals(ip("10.1.7.7"), used.lowestFree(first, last));
    assertEquals(2, used.runCount());
  }

  @Test
  void findsNothingInAFullRange() {
    UsedAddresses used = new UsedAddresses(false);
    used.add(ip("2001:db8::1"));
    used.add(ip("2001:db8::2"));
    assertNull(used.lowestFree(ip("2001:db8::1"), ip("2001:db8::2")));
    assertEquals(ip("2001:db8::3"), used.lowestFree(ip("2001:db8::1"), ip("2001:db8::ffff")));
  }
}
