package io.heraldlb.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class JsonLogEncoderTest {
  private static LoggingEvent event(String message, Object... args) {
    LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    LoggingEvent e =
        new LoggingEvent(
            "x",
            context.getLogger("io.heraldlb.allocator.Reconciler"),
            Level.INFO,
            message,
            null,
            args);
    e.setTimeStamp(1_796_000_000_000L);
    e.setThreadName("reconcile");
    return e;
  }

  private static String encode(LoggingEvent e) {
    return new String(new JsonLogEncoder().encode(e), StandardCharsets.UTF_8);
  }

  @Test
  void theLogCallsKeysAreKeysOfTheirOwn() {
    LoggingEvent e = event("assigned {} to {} from pool {}", "[192.168.1.240]", "shop/web", "lan");
    e.addKeyValuePair(new KeyValuePair("service", "shop/web"));
    e.addKeyValuePair(new KeyValuePair("ip", "192.168.1.240"));
    e.addKeyValuePair(new KeyValuePair("pool", "lan"));
    e.addKeyValuePair(new KeyValuePair("message", "an overwrite, dropped"));
    assertEquals(
        "{\"time\":\"2026-11-30T00:53:20Z\",\"level\":\"INFO\",\"logger\":\"Reconciler\","
            + "\"thread\":\"reconcile\",\"message\":\"assigned [192.168.1.240] to shop/web from"
            + " pool lan\",\"service\":\"shop/web\",\"ip\":\"192.168.1.240\",\"pool\":\"lan\"}\n",
        encode(e));
  }

  @Test
  void quotesControlCharactersAndKeepsOneLinePerEvent() {
    String line = encode(event("a \"quoted\" \\ line\nand\ta \u0001 bell"));
    assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
    assertTrue(
        line.contains("\"message\":\"a \\\"quoted\\\" \\\\ line\\nand\\ta \\u0001 bell\""), line);
  }
}
