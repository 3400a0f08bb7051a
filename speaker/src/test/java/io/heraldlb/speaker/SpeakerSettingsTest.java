package io.heraldlb.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.heraldlb.config.ConfigError;
import io.heraldlb.config.IpAddress;
import io.heraldlb.runtime.SettingsReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpeakerSettingsTest {

  static SettingsReader reader(Map<String, Object> overrides) {
    return new SettingsReader(
        ConfigFactory.parseMap(overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve()
            .getConfig("heraldlb"));
  }

  static SpeakerSettings ok(Map<String, Object> overrides) {
    return assertInstanceOf(
            SpeakerSettings.Result.Ok.class, SpeakerSettings.read(reader(overrides)))
        .settings();
  }

  static List<ConfigError> bad(Map<String, Object> overrides) {
    return assertInstanceOf(
            SpeakerSettings.Result.Bad.class, SpeakerSettings.read(reader(overrides)))
        .errors();
  }

  @Test
  void defaultsMeetTheFailoverTargets() {
    SpeakerSettings s = ok(Map.of("heraldlb.speaker.node-name", "node-a"));
    assertEquals(7473, s.httpPort());
    assertEquals(7946, s.membershipPort());
    assertEquals(Optional.empty(), s.podIp());
    assertEquals(List.of(), s.interfaces());
    assertEquals(Duration.ofSeconds(30), s.gratuitousRefresh());
    assertEquals(Duration.ofSeconds(2), s.shutdownGrace());
    // a silent node is gone after timeout + one check interval + verification: under 1 s
    Duration worstSilent =
        s.heartbeatTimeout().plus(s.heartbeatInterval()).plus(s.suspectTimeout());
    assertTrue(worstSilent.compareTo(Duration.ofSeconds(1)) < 0, worstSilent.toString());
    // and at least four intervals without a heartbeat before anyone is suspected
    assertTrue(s.heartbeatTimeout().compareTo(s.heartbeatInterval().multipliedBy(4)) >= 0);
    assertEquals("heraldlb-system", s.namespace());
  }

  @Test
  void refusesToStartWithoutANodeNameAndSaysWhichVariableToSet() {
    List<ConfigError> errors = bad(Map.of());
    assertEquals("heraldlb.speaker.node-name", errors.get(0).path());
    assertTrue(errors.get(0).message().contains("HERALDLB_NODE_NAME"));
  }

  @Test
  void readsInterfacesAsACommaListAndThePodIpAsAnAddress() {
    SpeakerSettings s =
        ok(
            Map.of(
                "heraldlb.speaker.node-name", "n1",
                "heraldlb.speaker.interfaces", "eth0, bond0",
                "heraldlb.speaker.pod-ip", "10.0.0.5"));
    assertEquals(List.of("eth0", "bond0"), s.interfaces());
    assertEquals(Optional.of(IpAddress.parse("10.0.0.5")), s.podIp());
  }

  @Test
  void namesEveryBadKeyOnce() {
    List<ConfigError> errors =
        bad(
            Map.of(
                "heraldlb.speaker.node-name", "n1",
                "heraldlb.speaker.http-port", 70000,
                "heraldlb.speaker.pod-ip", "10.0.0.300",
                "heraldlb.speaker.gratuitous-refresh", "soon",
                "heraldlb.speaker.interfaces", "eth0,no such"));
    assertEquals(
        List.of(
            "heraldlb.speaker.http-port",
            "heraldlb.speaker.pod-ip",
            "heraldlb.speaker.interfaces",
            "heraldlb.speaker.gratuitous-refresh"),
        errors.stream().map(ConfigError::path).toList());
  }

  @Test
  void refusesAHeartbeatTimeoutShorterThanTwoIntervals() {
    List<ConfigError> errors =
        bad(
            Map.of(
                "heraldlb.speaker.node-name", "n1", "heraldlb.speaker.heartbeat-timeout", "150ms"));
    assertEquals("heraldlb.speaker.heartbeat-timeout", errors.get(0).path());
    assertTrue(errors.get(0).message().contains("150ms"), errors.get(0).message());
  }

  @Test
  void acceptsZeroToTurnTheRefreshOff() {
    assertEquals(
        Duration.ZERO,
        ok(Map.of("heraldlb.speaker.node-name", "n1", "heraldlb.speaker.gratuitous-refresh", "0s"))
            .gratuitousRefresh());
  }

  @Test
  void scrapeAuthorizationIsOffByDefaultAndNeedsHttps() {
    assertEquals(false, ok(Map.of("heraldlb.speaker.node-name", "n1")).httpAuthorization());
    List<ConfigError> errors =
        bad(
            Map.of(
                "heraldlb.speaker.node-name", "n1",
                "heraldlb.speaker.http-authorization", "kubernetes"));
    assertEquals("heraldlb.speaker.http-authorization", errors.get(0).path());
    assertTrue(errors.get(0).message().contains("HERALDLB_HTTP_TLS_DIR"), errors.toString());
    assertTrue(
        ok(Map.of(
                "heraldlb.speaker.node-name", "n1",
                "heraldlb.speaker.http-authorization", "kubernetes",
                "heraldlb.speaker.http-tls-dir", "/etc/heraldlb/metrics-tls"))
            .httpAuthorization());
    assertEquals(
        "heraldlb.speaker.http-authorization",
        bad(Map.of(
                "heraldlb.speaker.node-name", "n1",
                "heraldlb.speaker.http-authorization", "tokenreview"))
            .get(0)
            .path(),
        "only none or kubernetes");
  }
}
