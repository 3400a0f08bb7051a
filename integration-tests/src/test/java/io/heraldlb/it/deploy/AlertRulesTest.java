package io.heraldlb.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.it.lab.Programs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert and recording rules under Prometheus's own promtool (built from its Go module
 * by integration-tests/promtool/build.sh): they parse, and each alert fires on the series that mean
 * trouble and stays quiet on a healthy cluster
 * (src/test/resources/alerts/heraldlb-rules-test.yaml).
 */
class AlertRulesTest {
  private static final Path RULE =
      Programs.repositoryRoot().resolve("deploy/monitoring/prometheusrule.yaml");

  private static Path promtool() {
    return GoTools.path("promtool");
  }

  /** The PrometheusRule's groups as a plain rules file, which is what promtool reads. */
  private static Path rulesFile(Path dir) throws IOException {
    List<Map<String, Object>> docs = Yaml.documents(RULE);
    assertEquals(1, docs.size(), RULE.toString());
    Map<String, Object> spec = Yaml.map(docs.get(0), "spec");
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(
        rules, new org.yaml.snakeyaml.Yaml().dump(Map.of("groups", spec.get("groups"))));
    return rules;
  }

  private static String promtool(Path dir, String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of(promtool().toString()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", argv) + ":\n" + out);
    return out;
  }

  @Test
  void theRulesParseAndEveryAlertFiresOnTroubleAndNotOnAHealthyCluster(@TempDir Path dir)
      throws Exception {
    rulesFile(dir);
    String checked = promtool(dir, "check", "rules", "rules.yaml");
    assertTrue(checked.contains("SUCCESS"), checked);
    Path tests = dir.resolve("heraldlb-rules-test.yaml");
    try (InputStream in =
        AlertRulesTest.class.getResourceAsStream("/alerts/heraldlb-rules-test.yaml")) {
      Files.write(tests, in.readAllBytes());
    }
    String tested = promtool(dir, "test", "rules", tests.getFileName().toString());
    assertTrue(tested.contains("SUCCESS"), tested);
  }

  /** Every alert the rule file ships is exercised by at least one firing case in the tests. */
  @Test
  void everyShippedAlertHasAFiringTest() throws Exception {
    String tests;
    try (InputStream in =
        AlertRulesTest.class.getResourceAsStream("/alerts/heraldlb-rules-test.yaml")) {
      tests = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    java.util.regex.Matcher alert =
        java.util.regex.Pattern.compile("- alert: (\\w+)").matcher(Files.readString(RULE));
    int alerts = 0;
    while (alert.find()) {
      alerts++;
      String name = alert.group(1);
      java.util.regex.Matcher firing =
          java.util.regex.Pattern.compile(
                  "alertname: " + name + "\\s*\\n\\s*exp_alerts:\\s*\\n\\s*- exp_labels")
              .matcher(tests);
      assertTrue(firing.find(), name + " has no test in which it fires");
    }
    assertTrue(alerts >= 15, "alerts found: " + alerts);
  }
}
