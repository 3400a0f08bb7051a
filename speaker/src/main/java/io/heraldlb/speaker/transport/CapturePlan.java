package io.heraldlb.speaker.transport;

import java.util.BitSet;

/**
 * How many captures one interface gets and where their threads run. The kernel hands a frame to the
 * capture numbered {@code cpu % captures} of a CPU fanout group, the CPU being the one that
 * received it; that capture's thread is pinned to the same CPU, so its wake-up is local instead of
 * an interrupt to another CPU (which, measured in the lab, doubles the reply time). Captures whose
 * CPU this process may not run on keep an unpinned thread.
 */
final class CapturePlan {

  /** The pin of a thread left to the scheduler. */
  static final int NONE = -1;

  static final CapturePlan SINGLE = new CapturePlan(new int[] {NONE});

  /** For each capture, the CPU its thread is pinned to, or {@link #NONE}. */
  private final int[] pins;

  private CapturePlan(int[] pins) {
    this.pins = pins;
  }

  /**
   * @param online the CPUs the kernel may receive frames on
   * @param allowed the CPUs this process may run on
   * @param limit at most this many captures (the setting {@code speaker.capture-threads})
   */
  static CapturePlan of(BitSet online, BitSet allowed, int limit) {
    int captures = Math.min(limit, online.length());
    if (captures <= 1) {
      return SINGLE;
    }
    int[] pins = new int[captures];
    for (int i = 0; i < captures; i++) {
      pins[i] = allowed.get(i) ? i : NONE;
    }
    return new CapturePlan(pins);
  }

  int captures() {
    return pins.length;
  }

  int pin(int capture) {
    return pins[capture];
  }

  boolean fanout() {
    return pins.length > 1;
  }

  @Override
  public String toString() {
    return java.util.Arrays.toString(pins);
  }
}
