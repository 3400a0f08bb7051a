package io.heraldlb.allocator;

import io.heraldlb.config.ConfigError;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.Names;
import io.heraldlb.runtime.SettingsReader;
import java.time.Duration;
import java.util.List;

/** The allocator's settings; see {@code reference.conf} for each key and its variable. */
record AllocatorSettings(
    String namespace,
    String configMap,
    String metalLbNamespace,
    String loadBalancerClass,
    int httpPort,
    java.net.InetAddress httpAddress,
    String httpTlsDir,
    boolean httpAuthorization,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    Duration retryBase,
    Duration retryMax,
    List<ConfigError> errors,
    String description) {

  private static java.net.InetAddress httpAddress(String text) {
    IpAddress ip = IpAddress.tryParse(text.strip());
    return ip == null ? java.net.InetAddress.getLoopbackAddress() : ip.toInetAddress();
  }

  static AllocatorSettings load() {
    SettingsReader r = SettingsReader.load();
    String namespace = r.string("namespace", Names::checkDnsLabel);
    String configMap = r.string("configmap", Names::checkDnsSubdomain);
    String metalLb =
        r.string("metallb-namespace", v -> v.isEmpty() ? null : Names.checkDnsLabel(v));
    String cls =
        r.string("load-balancer-class", v -> v.isEmpty() || v.length() <= 253 ? null : "too long");
    r.oneOf("log-format", "text", "json");
    int port = r.port("allocator.http-port");
    String tlsDir = r.string("allocator.http-tls-dir", null).strip();
    boolean authorization =
        r.oneOf("allocator.http-authorization", "none", "kubernetes").equals("kubernetes");
    String address =
        r.string(
            "allocator.http-address",
            v -> IpAddress.tryParse(v.strip()) == null ? "not an IP address" : null);
    String identity = r.string("allocator.identity", v -> v.isBlank() ? "must not be empty" : null);
    Duration lease =
        r.duration("allocator.lease-duration", Duration.ofSeconds(2), Duration.ofMinutes(5));
    Duration renew =
        r.duration("allocator.renew-deadline", Duration.ofSeconds(1), Duration.ofMinutes(5));
    Duration retry =
        r.duration("allocator.retry-period", Duration.ofMillis(100), Duration.ofMinutes(1));
    Duration base =
        r.duration("allocator.retry-base", Duration.ofMillis(10), Duration.ofMinutes(1));
    Duration max = r.duration("allocator.retry-max", Duration.ofMillis(100), Duration.ofHours(1));
    List<ConfigError> errors = new java.util.ArrayList<>(r.errors());
    if (authorization && tlsDir.isEmpty()) {
      errors.add(
          new ConfigError(
              "heraldlb.allocator.http-authorization",
              "kubernetes needs http-tls-dir (HERALDLB_HTTP_TLS_DIR): bearer tokens must not"
                  + " cross the network in plain HTTP"));
    }
    if (renew.compareTo(lease) >= 0) {
      errors.add(
          new ConfigError(
              "heraldlb.allocator.renew-deadline",
              "must be shorter than lease-duration (" + lease + ")"));
    }
    return new AllocatorSettings(
        namespace,
        configMap,
        metalLb,
        cls,
        port,
        httpAddress(address),
        tlsDir,
        authorization,
        identity,
        lease,
        renew,
        retry,
        base,
        max,
        List.copyOf(errors),
        r.describe());
  }
}
