package io.heraldlb.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A selector as read from either format, before it is frozen into a {@link LabelSelector}. */
final class SelectorDraft {
  final Map<String, String> labels = new HashMap<>();
  final List<LabelSelector.Requirement> expressions = new ArrayList<>();

  LabelSelector build() {
    return new LabelSelector(labels, expressions);
  }
}
