package io.heraldlb.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A Kubernetes label selector: every {@code matchLabels} entry and every requirement must hold; an
 * empty selector matches everything. The one implementation behind pools' service, node and
 * namespace selectors, whichever format wrote them.
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

  public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

  /**
   * {@code In} and {@code NotIn} take values; {@code Exists} and {@code DoesNotExist} take none.
   */
  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String kubernetesName;

    Operator(String kubernetesName) {
      this.kubernetesName = kubernetesName;
    }

    public String kubernetesName() {
      return kubernetesName;
    }

    public boolean takesValues() {
      return this == IN || this == NOT_IN;
    }

    /** The operator Kubernetes spells {@code name}, or null. */
    public static @Nullable Operator fromKubernetesName(String name) {
      for (Operator o : values()) {
        if (o.kubernetesName.equals(name)) {
          return o;
        }
      }
      return null;
    }
  }

  /** One {@code matchExpressions} entry; {@link #check} says whether it is well formed. */
  public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
      values = List.copyOf(new TreeSet<>(values));
    }

    /** What is wrong with it, as the API server would refuse it; null if nothing. */
    public @Nullable String check() {
      String problem = Names.checkLabelKey(key);
      if (problem != null) {
        return problem;
      }
      if (operator.takesValues() && values.isEmpty()) {
        return "operator " + operator.kubernetesName() + " needs at least one value";
      }
      if (!operator.takesValues() && !values.isEmpty()) {
        return "operator " + operator.kubernetesName() + " takes no values";
      }
      for (String v : values) {
        problem = Names.checkLabelValue(v);
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }

    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case IN -> value != null && values.contains(value);
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> labels.containsKey(key);
        case DOES_NOT_EXIST -> !labels.containsKey(key);
      };
    }

    @Override
    public String toString() {
      return switch (operator) {
        case IN -> key + " in (" + String.join(",", values) + ")";
        case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
      };
    }
  }

  public LabelSelector {
    matchLabels = Collections.unmodifiableMap(new TreeMap<>(matchLabels));
    matchExpressions = List.copyOf(matchExpressions);
  }

  /** Equality only: {@code key = value} for every entry. */
  public LabelSelector(Map<String, String> matchLabels) {
    this(matchLabels, List.of());
  }

  public boolean isEmpty() {
    return matchLabels.isEmpty() && matchExpressions.isEmpty();
  }

  /** Whether {@code labels} (null for an object without labels) satisfy the selector. */
  public boolean matches(@Nullable Map<String, String> labels) {
    Map<String, String> have = labels == null ? Map.of() : labels;
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(have.get(e.getKey()))) {
        return false;
      }
    }
    for (Requirement r : matchExpressions) {
      if (!r.matches(have)) {
        return false;
      }
    }
    return true;
  }

  /** As {@code kubectl get -l} takes it: {@code app=web,tier in (api,web),!canary}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    matchLabels.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
    for (Requirement r : matchExpressions) {
      sb.append(sb.length() == 0 ? "" : ",").append(r);
    }
    return sb.toString();
  }
}
