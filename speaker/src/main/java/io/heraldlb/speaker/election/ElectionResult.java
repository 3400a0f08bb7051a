package io.heraldlb.speaker.election;

import java.util.Optional;

/** The node that announces an address, or why none does. */
public sealed interface ElectionResult {

  Optional<String> winner();

  record Won(String node) implements ElectionResult {
    @Override
    public Optional<String> winner() {
      return Optional.of(node);
    }
  }

  /**
   * @param message one line for an Event or a log: which rule removed which nodes
   */
  record NoWinner(NoWinnerReason reason, String message) implements ElectionResult {
    @Override
    public Optional<String> winner() {
      return Optional.empty();
    }
  }
}
