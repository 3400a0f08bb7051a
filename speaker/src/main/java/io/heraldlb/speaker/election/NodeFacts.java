package io.heraldlb.speaker.election;

import java.util.Map;
import java.util.Objects;

/** What the election needs to know about a Kubernetes node. */
public record NodeFacts(String name, Map<String, String> labels, boolean networkUnavailable) {

  /** Nodes with this label are never used for external load balancers. */
  public static final String EXCLUDE_LABEL =
      "node.kubernetes.io/exclude-from-external-load-balancers";

  public NodeFacts {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
  }

  public boolean excluded() {
    return labels.containsKey(EXCLUDE_LABEL);
  }
}
