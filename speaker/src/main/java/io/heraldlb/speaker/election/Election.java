package io.heraldlb.speaker.election;

import io.heraldlb.config.IpAddress;
import io.heraldlb.config.LabelSelector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Picks the one node that announces an address: among the candidates, the one with the smallest
 * {@code sha256(nodeName + "#" + ip)} (unsigned bytes). Every speaker computes the same answer from
 * the same inputs, and Services sharing an address get the same node, since only the address and
 * the candidates count.
 *
 * <p>An instance does the address-independent filtering (membership, exclusion label,
 * NetworkUnavailable) once, so that electing thousands of addresses after a membership change costs
 * one hash per candidate and address. Instances are immutable and thread-safe.
 */
public final class Election {

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(Election::newSha256);

  private final ClusterFacts cluster;
  private final List<Candidate> eligible;

  /** A node that passed the address-independent rules, with its hash prefix encoded once. */
  private record Candidate(NodeFacts node, byte[] prefix) {}

  public Election(ClusterFacts cluster) {
    this.cluster = cluster;
    List<Candidate> ok = new ArrayList<>();
    for (String name : cluster.liveMembers()) {
      NodeFacts node = cluster.nodes().get(name);
      if (node != null && !node.excluded() && !node.networkUnavailable()) {
        ok.add(new Candidate(node, (name + "#").getBytes(StandardCharsets.UTF_8)));
      }
    }
    this.eligible = List.copyOf(ok);
  }

  /** One-off form of {@code new Election(cluster).elect(ip, service, nodeSelector)}. */
  public static ElectionResult elect(
      IpAddress ip, ServiceFacts service, LabelSelector nodeSelector, ClusterFacts cluster) {
    return new Election(cluster).elect(ip, service, nodeSelector);
  }

  /** For a pool announced from the nodes {@code nodeSelector} matches. */
  public ElectionResult elect(IpAddress ip, ServiceFacts service, LabelSelector nodeSelector) {
    return elect(ip, service, NodeRule.of(nodeSelector));
  }

  /**
   * @param nodeRule the nodes the advertisements of the address's pool cover
   */
  public ElectionResult elect(IpAddress ip, ServiceFacts service, NodeRule nodeRule) {
    String winner = rank(ip, qualifying(service, nodeRule));
    if (winner != null) {
      return new ElectionResult.Won(winner);
    }
    return NoWinnerExplanation.explain(ip, service, nodeRule, cluster);
  }

  /**
   * As {@link #elect(IpAddress, ServiceFacts, NodeRule)}, reusing the winner {@code memo} holds
   * from the previous round when the qualifying candidates are the same; the result is the same
   * either way.
   */
  public ElectionResult elect(
      IpAddress ip, ServiceFacts service, NodeRule nodeRule, ElectionMemo memo) {
    List<Candidate> qualifying = qualifying(service, nodeRule);
    List<String> names = new ArrayList<>(qualifying.size());
    for (Candidate c : qualifying) {
      names.add(c.node().name());
    }
    String winner = memo.winner(ip, names);
    if (winner == null) {
      winner = rank(ip, qualifying);
      if (winner == null) {
        return NoWinnerExplanation.explain(ip, service, nodeRule, cluster);
      }
      memo.remember(ip, names, winner);
    }
    return new ElectionResult.Won(winner);
  }

  private List<Candidate> qualifying(ServiceFacts service, NodeRule nodeRule) {
    List<Candidate> out = new ArrayList<>(eligible.size());
    for (Candidate c : eligible) {
      if (qualifies(c.node(), service, nodeRule)) {
        out.add(c);
      }
    }
    return out;
  }

  /** The candidate with the smallest rank for {@code ip}; null if there is none. */
  private static @Nullable String rank(IpAddress ip, List<Candidate> qualifying) {
    byte[] address = ip.toString().getBytes(StandardCharsets.UTF_8);
    MessageDigest sha = SHA256.get();
    String winner = null;
    byte[] best = null;
    for (Candidate c : qualifying) {
      sha.update(c.prefix());
      byte[] digest = sha.digest(address);
      int order = best == null ? -1 : Arrays.compareUnsigned(digest, best);
      if (order < 0 || (order == 0 && c.node().name().compareTo(winner) < 0)) {
        best = digest;
        winner = c.node().name();
      }
    }
    return winner;
  }

  static boolean qualifies(NodeFacts node, ServiceFacts service, NodeRule nodeRule) {
    return nodeRule.admits(node.labels())
        && (service.trafficPolicy() == TrafficPolicy.CLUSTER
            || service.nodesWithEndpoint().contains(node.name()));
  }

  /** The hash a node ranks by for {@code ip}; exposed for tests and debug output. */
  public static byte[] rank(String nodeName, IpAddress ip) {
    return SHA256.get().digest((nodeName + "#" + ip).getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
