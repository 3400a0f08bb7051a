package io.heraldlb.speaker.election;

import io.heraldlb.config.IpAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Says why no node may announce an address: each live speaker is charged to the first rule that
 * removes it, and the reason is the rule that removed the last ones. Only runs when there is no
 * winner, so it may take its time over the message.
 */
final class NoWinnerExplanation {
  private NoWinnerExplanation() {}

  private static final int NAMES_SHOWN = 5;

  static ElectionResult.NoWinner explain(
      IpAddress ip, ServiceFacts service, NodeRule nodeRule, ClusterFacts cluster) {
    if (cluster.liveMembers().isEmpty()) {
      return new ElectionResult.NoWinner(
          NoWinnerReason.NO_LIVE_SPEAKER, "no live speaker, so nobody announces " + ip);
    }
    Map<NoWinnerReason, List<String>> removed = new EnumMap<>(NoWinnerReason.class);
    for (String name : new TreeSet<>(cluster.liveMembers())) {
      removed
          .computeIfAbsent(rule(name, service, nodeRule, cluster), r -> new ArrayList<>())
          .add(name);
    }
    NoWinnerReason last = NoWinnerReason.NO_LIVE_SPEAKER;
    for (NoWinnerReason r : removed.keySet()) {
      last = r; // EnumMap iterates in rule order
    }
    StringBuilder message = new StringBuilder(headline(last, nodeRule));
    message.append(", so nobody announces ").append(ip).append(" (live speakers: ");
    message.append(cluster.liveMembers().size());
    removed.forEach(
        (r, names) -> message.append("; ").append(label(r)).append(": ").append(list(names)));
    return new ElectionResult.NoWinner(last, message.append(')').toString());
  }

  /** The first rule that keeps {@code name} from being a candidate. */
  private static NoWinnerReason rule(
      String name, ServiceFacts service, NodeRule nodeRule, ClusterFacts cluster) {
    NodeFacts node = cluster.nodes().get(name);
    if (node == null) {
      return NoWinnerReason.NO_KNOWN_NODE;
    }
    if (node.excluded()) {
      return NoWinnerReason.EXCLUDED_BY_LABEL;
    }
    if (node.networkUnavailable()) {
      return NoWinnerReason.NETWORK_UNAVAILABLE;
    }
    if (!nodeRule.admits(node.labels())) {
      return NoWinnerReason.OUTSIDE_NODE_SELECTOR;
    }
    if (!Election.qualifies(node, service, nodeRule)) {
      return NoWinnerReason.NO_READY_ENDPOINT;
    }
    throw new IllegalStateException(name + " is a candidate; there is a winner");
  }

  private static String headline(NoWinnerReason reason, NodeRule nodeRule) {
    return switch (reason) {
      case NO_LIVE_SPEAKER -> "no live speaker";
      case NO_KNOWN_NODE -> "no live speaker runs on a node known to the API";
      case EXCLUDED_BY_LABEL -> "all candidates excluded by label " + NodeFacts.EXCLUDE_LABEL;
      case NETWORK_UNAVAILABLE -> "all candidates have NetworkUnavailable=True";
      case OUTSIDE_NODE_SELECTOR -> "no candidate matches " + nodeRule.describe();
      case NOT_ADVERTISED -> "its pool is covered by no advertisement";
      case NO_READY_ENDPOINT -> "no node has a ready endpoint (externalTrafficPolicy: Local)";
      case NOT_IN_ANY_POOL -> "the address is in no pool";
    };
  }

  private static String label(NoWinnerReason reason) {
    return switch (reason) {
      case NO_LIVE_SPEAKER -> "live";
      case NO_KNOWN_NODE -> "unknown node";
      case EXCLUDED_BY_LABEL -> "excluded by label";
      case NETWORK_UNAVAILABLE -> "NetworkUnavailable";
      case OUTSIDE_NODE_SELECTOR -> "outside node-selector";
      case NO_READY_ENDPOINT -> "no ready endpoint";
      case NOT_IN_ANY_POOL -> "not in any pool";
      case NOT_ADVERTISED -> "not advertised";
    };
  }

  private static String list(List<String> names) {
    if (names.size() <= NAMES_SHOWN) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, NAMES_SHOWN))
        + " and "
        + (names.size() - NAMES_SHOWN)
        + " more";
  }
}
