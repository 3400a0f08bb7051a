package io.heraldlb.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(List<String> args, Map<String, Object> settings) {
    return Main.run(
        args,
        SpeakerSettingsTest.reader(settings),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpDocumentsEverySettingAndExitsZero() {
    assertEquals(0, run(List.of("--help"), Map.of()));
    String help = out.toString(StandardCharsets.UTF_8);
    for (String env :
        List.of(
            "HERALDLB_NODE_NAME",
            "HERALDLB_POD_IP",
            "HERALDLB_INTERFACES",
            "HERALDLB_HTTP_PORT",
            "HERALDLB_GRATUITOUS_REFRESH",
            "HERALDLB_SHUTDOWN_GRACE",
            "HERALDLB_HEARTBEAT_TIMEOUT")) {
      assertTrue(help.contains(env), env);
    }
  }

  @Test
  void aMissingNodeNameIsOneLineAndExitCodeTwo() {
    assertEquals(2, run(List.of(), Map.of()));
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.startsWith("heraldlb.speaker.node-name: "), text);
  }

  @Test
  void anUnknownCommandPrintsUsageAndExitsTwo() {
    assertEquals(2, run(List.of("dance"), Map.of()));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage:"));
  }
}
