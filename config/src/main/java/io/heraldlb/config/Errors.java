package io.heraldlb.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every error of a parse so that all of them are reported at once. */
final class Errors {
  /** Beyond this many, further errors add nothing for the reader and only cost memory. */
  static final int MAX = 200;

  private final List<ConfigError> list = new ArrayList<>();
  private int dropped;

  void add(String path, String message) {
    if (list.size() < MAX) {
      list.add(new ConfigError(path, message));
    } else {
      dropped++;
    }
  }

  /** How many have been added, counting those dropped. */
  int count() {
    return list.size() + dropped;
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  List<ConfigError> toList() {
    List<ConfigError> out = new ArrayList<>(list);
    if (dropped > 0) {
      out.add(new ConfigError("", "... and " + dropped + " more errors"));
    }
    return out;
  }
}
