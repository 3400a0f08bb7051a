package io.heraldlb.runtime;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line ({@code HERALDLB_LOG_FORMAT=json}): {@code time}, {@code level}, {@code
 * logger}, {@code thread}, {@code message}, then every key-value pair the log call added ({@code
 * service}, {@code ip}, {@code node}, {@code pool}, ...) as a key of its own, so a log pipeline
 * filters on {@code service="shop/web"} without parsing the message; then {@code exception}. A pair
 * that would overwrite one of the fixed keys, or an earlier pair, is dropped.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
  private static final Set<String> FIXED =
      Set.of("time", "level", "logger", "thread", "message", "exception");

  @Override
  public byte[] headerBytes() {
    return new byte[0];
  }

  @Override
  public byte[] footerBytes() {
    return new byte[0];
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder b = new StringBuilder(256);
    b.append('{');
    field(b, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString(), true);
    field(b, "level", event.getLevel().toString(), false);
    String logger = event.getLoggerName();
    field(b, "logger", logger.substring(logger.lastIndexOf('.') + 1), false);
    field(b, "thread", event.getThreadName(), false);
    field(b, "message", event.getFormattedMessage(), false);
    Set<String> seen = new HashSet<>(FIXED);
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair p : pairs) {
        if (p.key != null && seen.add(p.key)) {
          field(b, p.key, String.valueOf(p.value), false);
        }
      }
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach(
          (k, v) -> {
            if (seen.add(k)) {
              field(b, k, v, false);
            }
          });
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      field(b, "exception", ThrowableProxyUtil.asString(thrown), false);
    }
    b.append("}\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void field(StringBuilder b, String key, String value, boolean first) {
    if (!first) {
      b.append(',');
    }
    quote(b, key);
    b.append(':');
    quote(b, value);
  }

  /** A JSON string: quotes, backslashes and every control character escaped. */
  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
