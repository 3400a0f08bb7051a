package io.heraldlb.speaker.transport;

import io.heraldlb.config.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The kernel filter of an interface, from the addresses announced on it: ARP whose target (a
 * request to answer) or sender (a claim that conflicts) is one of them, and neighbor solicitations
 * and advertisements for them. A speaker is thus not woken by the ARP of the whole segment — on a
 * busy network most of it, and on a small machine the wake-ups of idle speakers delay the one that
 * answers. Nothing announced: nothing is captured.
 */
final class CaptureFilter {
  private CaptureFilter() {}

  /** Any ARP and any NS/NA: the filter before the first table, and for very many addresses. */
  static final String ALL = "arp or (icmp6 and (ip6[40] == 135 or ip6[40] == 136))";

  /** Above this many addresses one interface captures all ARP/NDP: a filter has 4,096 steps. */
  static final int MAX_ADDRESSES = 256;

  /** The libpcap expression, or null for "capture nothing". */
  static String of(Set<IpAddress> addresses) {
    if (addresses.isEmpty()) {
      return null;
    }
    if (addresses.size() > MAX_ADDRESSES) {
      return ALL;
    }
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    for (IpAddress ip : new TreeSet<>(addresses)) {
      byte[] b = ip.toBytes();
      if (ip.isV4()) {
        String word = word(b, 0);
        v4.add("arp[24:4] == " + word);
        v4.add("arp[14:4] == " + word);
      } else {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 16; i += 4) {
          words.add("ip6[" + (48 + i) + ":4] == " + word(b, i));
        }
        v6.add("(" + String.join(" and ", words) + ")");
      }
    }
    List<String> parts = new ArrayList<>();
    if (!v4.isEmpty()) {
      parts.add("(arp and (" + String.join(" or ", v4) + "))");
    }
    if (!v6.isEmpty()) {
      parts.add(
          "(icmp6 and (ip6[40] == 135 or ip6[40] == 136) and (" + String.join(" or ", v6) + "))");
    }
    return String.join(" or ", parts);
  }

  private static String word(byte[] b, int i) {
    return String.format(
        "0x%02x%02x%02x%02x", b[i] & 0xff, b[i + 1] & 0xff, b[i + 2] & 0xff, b[i + 3] & 0xff);
  }
}
