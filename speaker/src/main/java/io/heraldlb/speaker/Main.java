package io.heraldlb.speaker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.heraldlb.config.ConfigError;
import io.heraldlb.runtime.SettingsReader;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code heraldlb-speaker.jar}. */
public final class Main {
  private Main() {}

  static final String USAGE =
      """
      usage: java -jar heraldlb-speaker.jar [run]      run the speaker on this node
             java -jar heraldlb-speaker.jar --help     this text

      Settings (environment variable, or -Dheraldlb.<key>=...; default in brackets):
        HERALDLB_NODE_NAME           speaker.node-name         this node's name (required)
        HERALDLB_POD_IP              speaker.pod-ip            membership address [the Node's InternalIP]
        HERALDLB_INTERFACES          speaker.interfaces        comma list of interfaces [automatic]
        HERALDLB_HTTP_PORT           speaker.http-port         /metrics /healthz /readyz [7473]
        HERALDLB_HTTP_ADDRESS        speaker.http-address      where they listen [the pod-ip]
        HERALDLB_HTTP_TLS_DIR        speaker.http-tls-dir      tls.crt, tls.key: serve HTTPS [plain HTTP]
        HERALDLB_HTTP_AUTHORIZATION  speaker.http-authorization kubernetes: /metrics needs an RBAC-allowed token [none]
        HERALDLB_TRANSPORT           speaker.transport         packet, pcap or auto      [auto]
        HERALDLB_MEMBERSHIP_PORT     speaker.membership-port   speaker group TCP port [7946; +100 too]
        HERALDLB_MEMBERSHIP_KEY_DIR  speaker.membership-key-dir group key: tls.crt, tls.key [/etc/heraldlb/membership]
        HERALDLB_HEARTBEAT_INTERVAL  speaker.heartbeat-interval                  [100ms]
        HERALDLB_HEARTBEAT_TIMEOUT   speaker.heartbeat-timeout  silent node suspected after [600ms]
        HERALDLB_SUSPECT_TIMEOUT     speaker.suspect-timeout    suspicion checked for [30ms]
        HERALDLB_GRATUITOUS_REFRESH  speaker.gratuitous-refresh after the 5 s burst; 0 = off [30s]
        HERALDLB_SHUTDOWN_GRACE      speaker.shutdown-grace     answer after leaving, at most [2s]
        HERALDLB_STARTUP_SETTLE      speaker.startup-settle     wait for every speaker, at most [10s]
        HERALDLB_INTERFACE_RESCAN    speaker.interface-rescan                    [5s]
        HERALDLB_PROMISCUOUS         speaker.promiscuous        capture all frames [true]
        HERALDLB_CAPTURE_THREADS     speaker.capture-threads    per interface: one per CPU, at most [8]
        HERALDLB_NAMESPACE           namespace                 [heraldlb-system]
        HERALDLB_CONFIGMAP           configmap                 pool ConfigMap [heraldlb-config]
        HERALDLB_LOAD_BALANCER_CLASS load-balancer-class       [none: Services without a class]
        HERALDLB_LOG_FORMAT          log-format                text or json [text]
      The Kubernetes API is found like kubectl does: KUBECONFIG, ~/.kube/config, or in-cluster.
      Exit codes: 0 stopped cleanly, 1 could not start, 2 bad settings or usage.
      """;

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), SettingsReader.load(), System.out, System.err));
  }

  static int run(List<String> args, SettingsReader reader, PrintStream out, PrintStream err) {
    String command = args.isEmpty() ? "run" : args.get(0);
    if (List.of("--help", "-h", "help").contains(command)) {
      out.print(USAGE);
      return 0;
    }
    if (!command.equals("run") || args.size() > 1) {
      err.print(USAGE);
      return 2;
    }
    SpeakerSettings.Result result = SpeakerSettings.read(reader);
    if (result instanceof SpeakerSettings.Result.Bad bad) {
      for (ConfigError e : bad.errors()) {
        err.println(e);
      }
      return 2;
    }
    out.print("heraldlb-speaker settings:\n" + reader.describe());
    return runSpeaker(((SpeakerSettings.Result.Ok) result).settings());
  }

  private static int runSpeaker(SpeakerSettings settings) {
    Logger log = LoggerFactory.getLogger(Main.class);
    KubernetesClient client = new KubernetesClientBuilder().build();
    Speaker speaker = new Speaker(settings, client);
    try {
      speaker.start();
    } catch (Speaker.StartupException e) {
      log.error("cannot start: {}", e.getMessage());
      return 1;
    } catch (Exception e) {
      log.error("cannot start", e);
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(speaker::shutdown, "shutdown"));
    try {
      speaker.awaitStopped();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
