package io.heraldlb.it.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ARP frames as a capture in the client namespace saw them ({@code tcpdump -r F -n -e -tt --nano
 * arp}), and what the tests ask of them: who answered, how fast, and which request went unanswered.
 */
public final class ArpWire {
  private static final Pattern LINE =
      Pattern.compile(
          "^(\\d+\\.\\d+) ([0-9a-f:]{17}) > ([0-9a-f:]{17}), ethertype ARP.*?: "
              + "(?:Request who-has (\\S+) (?:\\(\\S+\\) )?tell (\\S+),"
              + "|Reply (\\S+) is-at ([0-9a-f:]{17}),)");

  /** One ARP frame: a request (target, sender IP) or a reply (ip is-at mac). */
  public record Frame(
      long nanos, String srcMac, String dstMac, boolean request, String ip, String sender) {
    /** A gratuitous frame: a request whose sender is its target, or a broadcast reply. */
    public boolean gratuitous() {
      return request ? ip.equals(sender) : dstMac.equals("ff:ff:ff:ff:ff:ff");
    }
  }

  private static final long COVERED_NANOS = 20_000_000L;

  private final List<Frame> frames;

  private ArpWire(List<Frame> frames) {
    this.frames = List.copyOf(frames);
  }

  public static ArpWire parse(List<String> tcpdumpLines) {
    List<Frame> out = new ArrayList<>();
    for (String line : tcpdumpLines) {
      Matcher m = LINE.matcher(line);
      if (!m.find()) {
        continue;
      }
      long nanos = nanos(m.group(1));
      if (m.group(4) != null) {
        out.add(new Frame(nanos, m.group(2), m.group(3), true, m.group(4), m.group(5)));
      } else {
        out.add(new Frame(nanos, m.group(2), m.group(3), false, m.group(6), m.group(7)));
      }
    }
    return new ArpWire(out);
  }

  private static long nanos(String seconds) {
    String[] parts = seconds.split("\\.");
    String frac = (parts[1] + "000000000").substring(0, 9);
    return Long.parseLong(parts[0]) * 1_000_000_000L + Long.parseLong(frac);
  }

  public List<Frame> frames() {
    return frames;
  }

  /** The MACs that claimed {@code ip} (replies to anyone, and gratuitous frames), in order. */
  public List<String> claimants(String ip) {
    List<String> out = new ArrayList<>();
    for (Frame f : frames) {
      boolean claim = f.request() ? f.gratuitous() && f.ip().equals(ip) : f.ip().equals(ip);
      if (claim && !out.contains(f.srcMac())) {
        out.add(f.srcMac());
      }
    }
    return out;
  }

  /** A request from {@code clientIp} for {@code ip} and the first reply to it, if any. */
  public record Exchange(Frame request, Optional<Frame> reply) {
    public Optional<Long> latencyNanos() {
      return reply.map(r -> r.nanos() - request.nanos());
    }
  }

  /**
   * Every request the client sent for {@code ip}, each with a reply to it. ARP replies carry no
   * request id: each reply is given to the latest request before it (at most {@code windowNanos}
   * back) that its sender has not answered yet. A responder that stalls and then answers a burst of
   * requests is late, not silent; a responder that joins midway is matched from where it joined;
   * and a second responder cannot make up for a request the first one missed.
   */
  public List<Exchange> exchanges(String ip, String clientIp, String clientMac, long windowNanos) {
    List<Frame> requests =
        frames.stream()
            .filter(f -> f.request() && f.ip().equals(ip) && f.sender().equals(clientIp))
            .toList();
    Frame[] firstReply = new Frame[requests.size()];
    Map<String, Set<Integer>> answeredBy = new HashMap<>();
    for (Frame f : frames) {
      if (f.request() || !f.ip().equals(ip) || !f.dstMac().equals(clientMac)) {
        continue;
      }
      Set<Integer> answered = answeredBy.computeIfAbsent(f.srcMac(), k -> new HashSet<>());
      for (int i = latestAtOrBefore(requests, f.nanos()); i >= 0; i--) {
        if (f.nanos() - requests.get(i).nanos() > windowNanos) {
          break;
        }
        if (answered.add(i)) {
          if (firstReply[i] == null) {
            firstReply[i] = f;
          }
          break;
        }
      }
    }
    // A capture stopped while frames were still queued loses its tail: call a request unanswered
    // only if the capture demonstrably outlived its window.
    long end = frames.isEmpty() ? 0 : frames.get(frames.size() - 1).nanos();
    List<Exchange> out = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      Frame req = requests.get(i);
      if (firstReply[i] == null && req.nanos() + Math.min(windowNanos, COVERED_NANOS) > end) {
        break;
      }
      out.add(new Exchange(req, Optional.ofNullable(firstReply[i])));
    }
    return out;
  }

  private static int latestAtOrBefore(List<Frame> requests, long nanos) {
    int lo = 0;
    int hi = requests.size() - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (requests.get(mid).nanos() <= nanos) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
