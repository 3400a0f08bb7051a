package io.heraldlb.speaker;

import io.heraldlb.config.ConfigError;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.Names;
import io.heraldlb.runtime.SettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The speaker's settings, read and checked once at start-up.
 *
 * @param podIp empty: use the Node's InternalIP
 * @param interfaces empty: automatic selection
 */
public record SpeakerSettings(
    String namespace,
    String configMap,
    String metalLbNamespace,
    String loadBalancerClass,
    int httpPort,
    Optional<IpAddress> httpAddress,
    Optional<Path> httpTlsDir,
    boolean httpAuthorization,
    String nodeName,
    Optional<IpAddress> podIp,
    List<String> interfaces,
    Duration interfaceRescan,
    boolean promiscuous,
    int captureThreads,
    String transport,
    int membershipPort,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    Duration suspectTimeout,
    Duration gratuitousRefresh,
    Duration shutdownGrace,
    Duration startupSettle,
    boolean ignoreExcludeLabel,
    Path membershipKeyDir) {

  /** Capture threads per interface, at most: one per CPU up to this many. */
  public static final int MAX_CAPTURE_THREADS = 64;

  private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");
  private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  public SpeakerSettings {
    interfaces = List.copyOf(interfaces);
  }

  /** The settings, or every error found, each naming its key. */
  public sealed interface Result {
    record Ok(SpeakerSettings settings) implements Result {}

    record Bad(List<ConfigError> errors) implements Result {}
  }

  public static Result read(SettingsReader r) {
    String namespace = r.string("namespace", SpeakerSettings::dnsName);
    String configMap = r.string("configmap", SpeakerSettings::dnsName);
    String metalLb =
        r.string("metallb-namespace", v -> v.isEmpty() ? null : Names.checkDnsLabel(v));
    String lbClass = r.string("load-balancer-class", null);
    r.oneOf("log-format", "text", "json");
    int httpPort = r.port("speaker.http-port");
    String httpAddress = r.string("speaker.http-address", SpeakerSettings::address);
    String httpTlsDir = r.string("speaker.http-tls-dir", null).strip();
    boolean httpAuthorization =
        r.oneOf("speaker.http-authorization", "none", "kubernetes").equals("kubernetes");
    String node = r.string("speaker.node-name", SpeakerSettings::nodeName);
    String podIp = r.string("speaker.pod-ip", SpeakerSettings::address);
    List<String> interfaces = r.list("speaker.interfaces", SpeakerSettings::interfaceName);
    Duration rescan = r.duration("speaker.interface-rescan", ms(500), Duration.ofMinutes(10));
    boolean promiscuous = r.oneOf("speaker.promiscuous", "true", "false").equals("true");
    int captureThreads = r.integer("speaker.capture-threads", 1, MAX_CAPTURE_THREADS);
    String transport = r.oneOf("speaker.transport", "auto", "packet", "pcap");
    int membershipPort = r.integer("speaker.membership-port", 1, 65535 - 100);
    Duration interval = r.duration("speaker.heartbeat-interval", ms(50), Duration.ofSeconds(30));
    Duration timeout = r.duration("speaker.heartbeat-timeout", ms(100), Duration.ofMinutes(5));
    Duration suspect = r.duration("speaker.suspect-timeout", ms(20), Duration.ofSeconds(30));
    Duration refresh = r.duration("speaker.gratuitous-refresh", Duration.ZERO, Duration.ofHours(1));
    Duration grace = r.duration("speaker.shutdown-grace", Duration.ZERO, Duration.ofMinutes(1));
    Duration settle = r.duration("speaker.startup-settle", Duration.ZERO, Duration.ofMinutes(5));
    boolean ignoreExclude = r.oneOf("speaker.ignore-exclude-lb", "true", "false").equals("true");
    String keyDir =
        r.string("speaker.membership-key-dir", v -> v.isBlank() ? "must not be empty" : null);
    List<ConfigError> errors = new ArrayList<>(r.errors());
    if (timeout.compareTo(interval.multipliedBy(2)) < 0) {
      errors.add(
          new ConfigError(
              "heraldlb.speaker.heartbeat-timeout",
              ms(timeout) + " must be at least twice heartbeat-interval (" + ms(interval) + ")"));
    }
    if (httpAuthorization && httpTlsDir.isEmpty()) {
      errors.add(
          new ConfigError(
              "heraldlb.speaker.http-authorization",
              "kubernetes needs http-tls-dir (HERALDLB_HTTP_TLS_DIR): bearer tokens must not"
                  + " cross the network in plain HTTP"));
    }
    if (!refresh.isZero() && refresh.compareTo(Duration.ofSeconds(1)) < 0) {
      errors.add(
          new ConfigError(
              "heraldlb.speaker.gratuitous-refresh",
              ms(refresh) + " must be 0 (off) or at least 1s"));
    }
    if (!errors.isEmpty()) {
      return new Result.Bad(errors);
    }
    return new Result.Ok(
        new SpeakerSettings(
            namespace,
            configMap,
            metalLb,
            lbClass,
            httpPort,
            httpAddress.isBlank()
                ? Optional.empty()
                : Optional.of(IpAddress.parse(httpAddress.strip())),
            httpTlsDir.isEmpty() ? Optional.empty() : Optional.of(Path.of(httpTlsDir)),
            httpAuthorization,
            node,
            podIp.isBlank() ? Optional.empty() : Optional.of(IpAddress.parse(podIp.strip())),
            interfaces,
            rescan,
            promiscuous,
            captureThreads,
            transport,
            membershipPort,
            interval,
            timeout,
            suspect,
            refresh,
            grace,
            settle,
            ignoreExclude,
            Path.of(keyDir.strip())));
  }

  private static String ms(Duration d) {
    return d.toMillis() + "ms";
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  private static @Nullable String nodeName(String value) {
    if (value.isBlank()) {
      return "is required: set HERALDLB_NODE_NAME (the DaemonSet passes spec.nodeName)";
    }
    return dnsName(value);
  }

  private static @Nullable String dnsName(String value) {
    return DNS_NAME.matcher(value).matches()
        ? null
        : "'" + value + "' is not a valid Kubernetes name (lower-case letters, digits, '-', '.')";
  }

  private static @Nullable String address(String value) {
    if (value.isBlank()) {
      return null;
    }
    return IpAddress.tryParse(value.strip()) == null
        ? "'" + value + "' is not an IPv4 or IPv6 address"
        : null;
  }

  private static @Nullable String interfaceName(String value) {
    return INTERFACE_NAME.matcher(value).matches()
        ? null
        : "'" + value + "' is not a network interface name";
  }
}
