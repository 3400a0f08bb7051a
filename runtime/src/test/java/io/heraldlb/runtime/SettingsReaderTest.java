package io.heraldlb.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.heraldlb.config.ConfigError;
import io.heraldlb.config.Names;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsReaderTest {

  private static SettingsReader reader(String hocon) {
    return new SettingsReader(ConfigFactory.parseString(hocon));
  }

  @Test
  void readsValidValues() {
    SettingsReader r =
        reader("namespace = lb, port = 7472, wait = 250ms, ifs = \"eth0, eth1\", fmt = json");
    assertEquals("lb", r.string("namespace", Names::checkDnsLabel));
    assertEquals(7472, r.port("port"));
    assertEquals(Duration.ofMillis(250), r.duration("wait", Duration.ZERO, Duration.ofSeconds(1)));
    assertEquals(List.of("eth0", "eth1"), r.list("ifs", Names::checkInterface));
    assertEquals("json", r.oneOf("fmt", "text", "json"));
    assertTrue(r.errors().isEmpty(), r.errors()::toString);
  }

  @Test
  void namesEveryBadSettingByItsKey() {
    SettingsReader r = reader("namespace = \"Bad NS\", port = 70000, wait = soon, fmt = xml");
    r.string("namespace", Names::checkDnsLabel);
    r.port("port");
    r.duration("wait", Duration.ZERO, Duration.ofSeconds(1));
    r.oneOf("fmt", "text", "json");
    r.port("missing");
    List<String> errors = r.errors().stream().map(ConfigError::toString).toList();
    assertEquals(
        List.of(
            "heraldlb.namespace: 'Bad NS' is not a valid name (lower-case letters, digits and '-',"
                + " at most 63)",
            "heraldlb.port: 70000 is not between 1 and 65535",
            "heraldlb.wait: must be a duration such as 500ms or 30s, not \"soon\"",
            "heraldlb.fmt: 'xml' must be one of text, json",
            "heraldlb.missing: must be a whole number, not nothing"),
        errors);
  }

  @Test
  void loadsTheSharedDefaults() {
    SettingsReader r = SettingsReader.load();
    assertEquals("heraldlb-system", r.string("namespace", null));
    assertEquals("heraldlb-config", r.string("configmap", null));
    assertTrue(r.describe().contains("heraldlb.namespace = \"heraldlb-system\""), r.describe());
  }
}
