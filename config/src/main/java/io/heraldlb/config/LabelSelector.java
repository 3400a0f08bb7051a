package io.heraldlb.config;

import java.util.Map;
import java.util.TreeMap;

/** An equality label selector ({@code key = value} for every entry); empty matches everything. */
public record LabelSelector(Map<String, String> matchLabels) {

  public static final LabelSelector EVERYTHING = new LabelSelector(Map.of());

  public LabelSelector {
    matchLabels = java.util.Collections.unmodifiableMap(new TreeMap<>(matchLabels));
  }

  public boolean isEmpty() {
    return matchLabels.isEmpty();
  }

  public boolean matches(Map<String, String> labels) {
    if (matchLabels.isEmpty()) {
      return true;
    }
    if (labels == null) {
      return false;
    }
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    matchLabels.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }
}
