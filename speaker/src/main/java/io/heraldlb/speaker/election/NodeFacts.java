package io.heraldlb.speaker.election;

import java.util.Map;
import java.util.Objects;

/**
 * What the election needs to know about a Kubernetes node.
 *
 * @param excluded whether the node may not announce: it carries {@link #EXCLUDE_LABEL} and the
 *     speakers honour it (they do unless {@code ignore-exclude-lb} is set)
 */
public record NodeFacts(
    String name, Map<String, String> labels, boolean networkUnavailable, boolean excluded) {

  /** Nodes with this label are never used for external load balancers. */
  public static final String EXCLUDE_LABEL =
      "node.kubernetes.io/exclude-from-external-load-balancers";

  public NodeFacts {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
  }

  /** A node whose exclusion label, if it has one, is honoured. */
  public NodeFacts(String name, Map<String, String> labels, boolean networkUnavailable) {
    this(name, labels, networkUnavailable, labels.containsKey(EXCLUDE_LABEL));
  }
}
