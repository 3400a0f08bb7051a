package io.heraldlb.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.heraldlb.config.ConfigError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads a program's settings: the {@code heraldlb} block of every {@code reference.conf} on the
 * class path, overridden by {@code HERALDLB_*} environment variables (wired in reference.conf as
 * {@code ${?HERALDLB_...}}) and then by {@code -Dheraldlb.*} system properties. Every bad value is
 * collected, named by its key, so that {@code main} can print them all and exit.
 */
public final class SettingsReader {
  public static final String ROOT = "heraldlb";

  private final Config config;
  private final List<ConfigError> errors = new ArrayList<>();

  public SettingsReader(Config config) {
    this.config = config;
  }

  /** Loads the settings of this process (reference.conf + environment + system properties). */
  public static SettingsReader load() {
    ConfigFactory.invalidateCaches();
    return new SettingsReader(ConfigFactory.load().getConfig(ROOT));
  }

  public List<ConfigError> errors() {
    return List.copyOf(errors);
  }

  public String string(String key, @Nullable Function<String, @Nullable String> check) {
    String value;
    try {
      value = config.getString(key);
    } catch (ConfigException e) {
      errors.add(new ConfigError(ROOT + "." + key, wrong(key, "a string")));
      return "";
    }
    String problem = check == null ? null : check.apply(value);
    if (problem != null) {
      errors.add(new ConfigError(ROOT + "." + key, problem));
    }
    return value;
  }

  public String oneOf(String key, String... allowed) {
    return string(
        key,
        v ->
            List.of(allowed).contains(v)
                ? null
                : "'" + v + "' must be one of " + String.join(", ", allowed));
  }

  public int integer(String key, int min, int max) {
    try {
      int value = config.getInt(key);
      if (value < min || value > max) {
        errors.add(
            new ConfigError(ROOT + "." + key, value + " is not between " + min + " and " + max));
      }
      return value;
    } catch (ConfigException e) {
      errors.add(new ConfigError(ROOT + "." + key, wrong(key, "a whole number")));
      return min;
    }
  }

  public int port(String key) {
    return integer(key, 1, 65535);
  }

  public Duration duration(String key, Duration min, Duration max) {
    try {
      Duration value = config.getDuration(key);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        errors.add(
            new ConfigError(ROOT + "." + key, value + " is not between " + min + " and " + max));
      }
      return value;
    } catch (ConfigException e) {
      errors.add(new ConfigError(ROOT + "." + key, wrong(key, "a duration such as 500ms or 30s")));
      return min;
    }
  }

  /** A comma-separated list (as environment variables give it) or a HOCON list. */
  public List<String> list(String key, Function<String, String> checkEach) {
    List<String> out = new ArrayList<>();
    try {
      if (config.getValue(key).valueType() == com.typesafe.config.ConfigValueType.LIST) {
        out.addAll(config.getStringList(key));
      } else {
        for (String part : config.getString(key).split(",")) {
          if (!part.isBlank()) {
            out.add(part.strip());
          }
        }
      }
    } catch (ConfigException e) {
      errors.add(new ConfigError(ROOT + "." + key, wrong(key, "a comma-separated list")));
      return out;
    }
    for (String item : out) {
      String problem = checkEach.apply(item);
      if (problem != null) {
        errors.add(new ConfigError(ROOT + "." + key, problem));
      }
    }
    return out;
  }

  /** The effective settings, one {@code key = value} per line, for the start-up log. */
  public String describe() {
    Map<String, String> sorted = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      sorted.put(ROOT + "." + e.getKey(), e.getValue().render());
    }
    StringBuilder sb = new StringBuilder();
    sorted.forEach((k, v) -> sb.append("  ").append(k).append(" = ").append(v).append('\n'));
    return sb.toString();
  }

  /** "must be X, not 'abc'" instead of Typesafe's message, which starts with a jar path. */
  private String wrong(String key, String expected) {
    String actual;
    try {
      actual = config.hasPath(key) ? config.getValue(key).render() : "nothing";
    } catch (ConfigException e) {
      actual = "an unreadable value";
    }
    return "must be " + expected + ", not " + actual;
  }
}
