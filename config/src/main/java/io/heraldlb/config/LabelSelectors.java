package io.heraldlb.config;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Several label selectors of which any one may match, as MetalLB's {@code serviceSelectors}, {@code
 * namespaceSelectors} and {@code nodeSelectors} lists mean them. An empty list is a selector that
 * was not set: what that allows is the owner's rule (every Service, every node), so {@link
 * #matchesAny} alone never answers it.
 */
public record LabelSelectors(List<LabelSelector> selectors) {

  public static final LabelSelectors NONE = new LabelSelectors(List.of());

  public LabelSelectors {
    selectors = List.copyOf(selectors);
  }

  public static LabelSelectors of(LabelSelector... selectors) {
    return new LabelSelectors(List.of(selectors));
  }

  /** Whether none was set. */
  public boolean isEmpty() {
    return selectors.isEmpty();
  }

  /** Whether one of them matches {@code labels}; false when none is set. */
  public boolean matchesAny(@Nullable Map<String, String> labels) {
    for (LabelSelector s : selectors) {
      if (s.matches(labels)) {
        return true;
      }
    }
    return false;
  }

  /** Unset means everything: for Service and node selectors. */
  public boolean allows(@Nullable Map<String, String> labels) {
    return isEmpty() || matchesAny(labels);
  }

  /** {@code app=web} for one; {@code [app=web] or [tier in (edge)]} for several. */
  @Override
  public String toString() {
    if (selectors.size() == 1) {
      return describe(selectors.get(0));
    }
    return selectors.stream().map(s -> "[" + describe(s) + "]").collect(Collectors.joining(" or "));
  }

  private static String describe(LabelSelector s) {
    return s.isEmpty() ? "(everything)" : s.toString();
  }
}
