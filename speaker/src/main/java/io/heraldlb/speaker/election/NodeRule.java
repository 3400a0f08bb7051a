package io.heraldlb.speaker.election;

import io.heraldlb.config.LabelSelector;
import io.heraldlb.config.Pool;
import java.util.Map;

/** Which nodes may announce an address: those the advertisements of its pool cover. */
public interface NodeRule {
  boolean admits(Map<String, String> nodeLabels);

  /** The rule in words, for the message when no candidate passes it. */
  String describe();

  static NodeRule of(Pool pool) {
    return new NodeRule() {
      @Override
      public boolean admits(Map<String, String> nodeLabels) {
        return pool.announcedFrom(nodeLabels);
      }

      @Override
      public String describe() {
        return "the nodes pool " + pool.name() + " is announced from: " + pool.nodeRule();
      }
    };
  }

  static NodeRule of(LabelSelector selector) {
    return new NodeRule() {
      @Override
      public boolean admits(Map<String, String> nodeLabels) {
        return selector.matches(nodeLabels);
      }

      @Override
      public String describe() {
        return "the pool's node-selector " + selector;
      }
    };
  }
}
