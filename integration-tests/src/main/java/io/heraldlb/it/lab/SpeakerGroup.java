package io.heraldlb.it.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The speakers' group as their logs tell it ({@code speaker group view N: [node1, node2]}).
 * Speakers started together may sit in separate groups for a while (each one elects itself, so two
 * nodes answer for one IP) until they merge: whatever measures announcements waits for one group
 * first.
 */
public final class SpeakerGroup {
  /** Generous: separate groups merge within seconds, but a loaded 2-core machine is slow. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Pattern VIEW = Pattern.compile("speaker group view \\d+: \\[([^\\]]*)\\]");

  private SpeakerGroup() {}

  /** The members of the last view this run of the speaker logged, if it logged one. */
  public static Optional<Set<String>> lastView(LabProcess speaker) {
    Set<String> last = null;
    for (String line : speaker.output()) {
      Matcher m = VIEW.matcher(line);
      if (m.find()) {
        last = new TreeSet<>();
        for (String name : m.group(1).split(",")) {
          if (!name.isBlank()) {
            last.add(name.strip());
          }
        }
      }
    }
    return Optional.ofNullable(last);
  }

  /**
   * Waits until every speaker's last view holds exactly {@code members}, and returns how long that
   * took. Fails at once if a speaker exits, and names each speaker's view on timeout.
   */
  public static Duration awaitConverged(
      Collection<LabProcess> speakers, Collection<String> members, Duration timeout) {
    Set<String> wanted = new TreeSet<>(members);
    long start = System.nanoTime();
    try {
      Await.until(
          "the speakers to form one group " + wanted,
          timeout,
          () -> {
            boolean converged = true;
            for (LabProcess speaker : speakers) {
              if (!speaker.isAlive()) {
                throw new LabException(
                    speaker.name() + " exited; last lines of its log:\n" + speaker.tail(15));
              }
              converged &= lastView(speaker).map(wanted::equals).orElse(false);
            }
            return converged;
          });
    } catch (LabException e) {
      throw new LabException(e.getMessage() + "; views now: " + views(speakers), e);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Waits for one group of all the given speakers, named after their nodes. */
  public static Duration awaitConverged(List<LabNode> nodes, List<LabProcess> speakers) {
    return awaitConverged(speakers, nodes.stream().map(LabNode::name).toList(), DEFAULT_TIMEOUT);
  }

  private static String views(Collection<LabProcess> speakers) {
    List<String> out = new ArrayList<>();
    for (LabProcess speaker : speakers) {
      out.add(
          speaker.name()
              + "="
              + lastView(speaker)
                  .map(Object::toString)
                  .orElse(speaker.isAlive() ? "none" : "dead"));
    }
    return String.join(", ", out);
  }
}
