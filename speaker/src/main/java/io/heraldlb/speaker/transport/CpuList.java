package io.heraldlb.speaker.transport;

import java.util.BitSet;
import java.util.StringJoiner;

/** The kernel's CPU list format, as in {@code /sys/devices/system/cpu/online}: "0-3,8,10-11". */
final class CpuList {
  private CpuList() {}

  /** Above any machine Linux runs on today; a larger id in the file is refused as corrupt. */
  static final int MAX_CPUS = 8192;

  static BitSet parse(String text) {
    BitSet cpus = new BitSet();
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty CPU list");
    }
    for (String part : s.split(",", -1)) {
      int dash = part.indexOf('-');
      int from = cpu(dash < 0 ? part : part.substring(0, dash), text);
      int to = dash < 0 ? from : cpu(part.substring(dash + 1), text);
      if (to < from) {
        throw new IllegalArgumentException("descending range '" + part + "' in CPU list " + text);
      }
      cpus.set(from, to + 1);
    }
    return cpus;
  }

  /** The list of {@code cpus}, ranges folded: {0, 1, 2, 3, 8} is "0-3,8". */
  static String format(BitSet cpus) {
    StringJoiner list = new StringJoiner(",");
    for (int from = cpus.nextSetBit(0); from >= 0; from = cpus.nextSetBit(from)) {
      int to = cpus.nextClearBit(from) - 1;
      list.add(to == from ? Integer.toString(from) : from + "-" + to);
      from = to + 1;
    }
    return list.toString();
  }

  private static int cpu(String s, String text) {
    try {
      int cpu = Integer.parseInt(s);
      if (cpu >= 0 && cpu < MAX_CPUS) {
        return cpu;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new IllegalArgumentException("'" + s + "' is not a CPU number in CPU list " + text);
  }
}
