package io.heraldlb.it.lab;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a HeraldLB program's {@code /metrics} (Prometheus text), fetched with curl from
 * inside the node's namespace as a node-local Prometheus agent would.
 */
public record Metrics(String text) {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})?\\s+(\\S+)", Pattern.MULTILINE);

  /**
   * {@code curl http://NODE:PORT/metrics} inside {@code node}'s namespace: the programs listen on
   * the node's (pod's) address, not on every interface.
   */
  public static Metrics scrape(LabNode node, int port) {
    Cmd.Result result =
        Cmd.run(
            List.of(
                node.exec(
                    "curl",
                    "-s",
                    "--max-time",
                    "5",
                    "http://" + node.ip() + ":" + port + "/metrics")),
            Duration.ofSeconds(10));
    return new Metrics(result.orThrow().out());
  }

  /** The sum of every sample of {@code name} whose labels contain {@code labelFilter} (or all). */
  public double sum(String name, String labelFilter) {
    double total = 0;
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      String labels = m.group(2) == null ? "" : m.group(2);
      if (m.group(1).equals(name) && (labelFilter == null || labels.contains(labelFilter))) {
        total += Double.parseDouble(m.group(3));
      }
    }
    return total;
  }

  public double sum(String name) {
    return sum(name, null);
  }
}
