package io.heraldlb.it.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
   * Every request the client sent for {@code ip}, each with the first reply addressed to the client
   * that arrived after it and before the next request (or within {@code windowNanos} for the last).
   */
  public List<Exchange> exchanges(String ip, String clientIp, String clientMac, long windowNanos) {
    List<Frame> requests =
        frames.stream()
            .filter(f -> f.request() && f.ip().equals(ip) && f.sender().equals(clientIp))
            .toList();
    // A capture stopped while frames were still queued loses its tail: call a request unanswered
    // only if the capture demonstrably outlived it by a few milliseconds.
    long covered = frames.isEmpty() ? 0 : frames.get(frames.size() - 1).nanos() - COVERED_NANOS;
    List<Exchange> out = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      Frame req = requests.get(i);
      long end = i + 1 < requests.size() ? requests.get(i + 1).nanos() : req.nanos() + windowNanos;
      Optional<Frame> reply =
          frames.stream()
              .filter(
                  f ->
                      !f.request()
                          && f.ip().equals(ip)
                          && f.dstMac().equals(clientMac)
                          && f.nanos() >= req.nanos()
                          && f.nanos() < end)
              .findFirst();
      if (reply.isEmpty() && req.nanos() > covered) {
        break;
      }
      out.add(new Exchange(req, reply));
    }
    return out;
  }
}
