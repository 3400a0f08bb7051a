package io.heraldlb.speaker.transport;

import java.util.BitSet;
import java.util.StringJoiner;

/**
 * How many captures one interface gets and where their threads run. The kernel hands a frame to the
 * capture numbered {@code cpu % captures} of a CPU fanout group, the CPU being the one that
 * received it; that capture's thread may run on exactly those CPUs, so its wake-up is local instead
 * of an interrupt to another CPU (which, measured in the lab, doubles the reply time). A capture
 * none of whose CPUs this process may run on keeps an unpinned thread.
 */
final class CapturePlan {

  static final CapturePlan SINGLE = new CapturePlan(new BitSet[] {new BitSet()});

  /** For each capture, the CPUs its thread may run on; empty for a thread left to the scheduler. */
  private final BitSet[] pins;

  private CapturePlan(BitSet[] pins) {
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
    BitSet[] pins = new BitSet[captures];
    for (int i = 0; i < captures; i++) {
      pins[i] = new BitSet();
    }
    for (int cpu = online.nextSetBit(0); cpu >= 0; cpu = online.nextSetBit(cpu + 1)) {
      if (allowed.get(cpu)) {
        pins[cpu % captures].set(cpu);
      }
    }
    return new CapturePlan(pins);
  }

  int captures() {
    return pins.length;
  }

  /** The CPUs of capture {@code capture}'s thread; empty: unpinned. */
  BitSet pin(int capture) {
    return (BitSet) pins[capture].clone();
  }

  boolean fanout() {
    return pins.length > 1;
  }

  /** Per capture its CPUs in the kernel's list format, "-" for an unpinned one: "[0,4 1,5 -]". */
  @Override
  public String toString() {
    StringJoiner all = new StringJoiner(" ", "[", "]");
    for (BitSet pin : pins) {
      all.add(pin.isEmpty() ? "-" : CpuList.format(pin));
    }
    return all.toString();
  }
}
