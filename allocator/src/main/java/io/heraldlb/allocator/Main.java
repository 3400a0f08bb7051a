package io.heraldlb.allocator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.heraldlb.config.ConfigError;
import io.heraldlb.kube.TokenReviewAuthorizer;
import io.heraldlb.runtime.DaemonThreads;
import io.heraldlb.runtime.MigrateCommand;
import io.heraldlb.runtime.OpsServer;
import io.heraldlb.runtime.ProcessMetrics;
import io.heraldlb.runtime.ValidateCommand;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of {@code heraldlb-allocator.jar}. */
public final class Main {
  private Main() {}

  static final String USAGE =
      """
      usage: java -jar heraldlb-allocator.jar [run]      run the allocator
             java -jar heraldlb-allocator.jar validate FILE
                                 check a pool ConfigMap manifest (YAML) or a bare pools.conf;
                                 exit 0 with one line per pool, or exit 1 with every error
             java -jar heraldlb-allocator.jar migrate FILE...
                                 print one heraldlb-config ConfigMap (native format) holding
                                 the pools of MetalLB's ConfigMap or of pools.conf files
             java -jar heraldlb-allocator.jar status
                                 the pools (addresses, in use, free) and every Service with
                                 its IPs, pool and the node and interfaces announcing each
             java -jar heraldlb-allocator.jar --help     this text

      The allocator gives LoadBalancer Services an IP from the pools in its ConfigMap and writes
      it into their status. It connects to Kubernetes like kubectl: KUBECONFIG, ~/.kube/config,
      or the in-cluster service account.

      Settings (environment variable, or -Dheraldlb.<key>=... which wins):
        HERALDLB_NAMESPACE             namespace of the ConfigMap and Lease   [heraldlb-system]
        HERALDLB_CONFIGMAP             pool ConfigMap name                     [heraldlb-config]
        HERALDLB_LOAD_BALANCER_CLASS   handle only this loadBalancerClass      [none: Services without a class]
        HERALDLB_HTTP_PORT             /metrics, /healthz, /readyz             [7472]
        HERALDLB_HTTP_ADDRESS          where they listen    [HERALDLB_POD_IP, else 127.0.0.1]
        HERALDLB_HTTP_TLS_DIR          tls.crt and tls.key: serve HTTPS            [plain HTTP]
        HERALDLB_HTTP_AUTHORIZATION    kubernetes: /metrics needs a token RBAC allows  [none]
        HERALDLB_IDENTITY              name in the Lease (default: HOSTNAME)
        HERALDLB_LOG_FORMAT            text or json                            [text]
        heraldlb.allocator.lease-duration / renew-deadline / retry-period     [15s / 10s / 2s]
        heraldlb.allocator.retry-base / retry-max (failed writes)             [500ms / 60s]
      """;

  private static volatile boolean shuttingDown;

  public static void main(String[] args) {
    int code = run(Arrays.asList(args));
    if (!shuttingDown) {
      // During a SIGTERM the JVM is already exiting; System.exit would only wait for the hooks.
      System.exit(code);
    }
  }

  static int run(List<String> args) {
    String command = args.isEmpty() ? "run" : args.get(0);
    switch (command) {
      case "--help", "-h", "help" -> {
        System.out.print(USAGE);
        return 0;
      }
      case "validate" -> {
        return ValidateCommand.run(args.subList(1, args.size()), System.out, System.err);
      }
      case "migrate" -> {
        return MigrateCommand.run(args.subList(1, args.size()), System.out, System.err);
      }
      case "status" -> {
        return args.size() == 1 ? status() : usage();
      }
      case "run" -> {
        return args.size() == 1 || args.isEmpty() ? serve() : usage();
      }
      default -> {
        return usage();
      }
    }
  }

  /** TokenReview and SubjectAccessReview for each new scrape token, one at a time, off the loop. */
  private static TokenReviewAuthorizer scrapeAuthorizer(KubernetesClient client) {
    java.util.concurrent.ExecutorService reviews =
        java.util.concurrent.Executors.newSingleThreadExecutor(
            DaemonThreads.named("scrape-authorization"));
    return new TokenReviewAuthorizer(client, reviews, System::nanoTime);
  }

  /** Pools and Services with IP and announcing node, read with the caller's kubeconfig. */
  private static int status() {
    AllocatorSettings settings = AllocatorSettings.load();
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      return StatusCommand.run(
          client, settings.namespace(), settings.loadBalancerClass(), System.out);
    }
  }

  private static int usage() {
    System.err.print(USAGE);
    return 2;
  }

  private static int serve() {
    AllocatorSettings settings = AllocatorSettings.load();
    if (!settings.errors().isEmpty()) {
      for (ConfigError e : settings.errors()) {
        System.err.println("heraldlb-allocator: bad setting " + e);
      }
      return 2;
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    log.info("heraldlb-allocator starting with settings:\n{}", settings.description());
    io.netty.handler.ssl.SslContext tls = null;
    if (!settings.httpTlsDir().isEmpty()) {
      try {
        tls = OpsServer.tls(java.nio.file.Path.of(settings.httpTlsDir()));
      } catch (java.io.IOException e) {
        System.err.println(
            "heraldlb-allocator: bad setting HERALDLB_HTTP_TLS_DIR: " + e.getMessage());
        return 2;
      }
    }
    CountDownLatch lost = new CountDownLatch(1);
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        Allocator allocator = new Allocator(client, settings, lost::countDown);
        OpsServer ops =
            OpsServer.start(
                new InetSocketAddress(settings.httpAddress(), settings.httpPort()),
                allocator.metrics.registry,
                allocator::healthProblem,
                allocator::readinessProblem,
                tls,
                settings.httpAuthorization() ? scrapeAuthorizer(client) : null)) {
      ProcessMetrics.register(allocator.metrics.registry, "heraldlb-allocator");
      log.info(
          "serving /metrics, /healthz and /readyz on {}:{}",
          settings.httpAddress().getHostAddress(),
          ops.port());
      Thread main = Thread.currentThread();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    shuttingDown = true;
                    lost.countDown();
                    try {
                      // Let main close the allocator: writes in flight end, then the Lease goes.
                      main.join(Allocator.DRAIN.plusSeconds(5).toMillis());
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "shutdown"));
      allocator.start();
      lost.await();
      if (shuttingDown) {
        log.info("stopping: releasing the Lease");
        return 0;
      }
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (RuntimeException e) {
      log.error("heraldlb-allocator stopped: {}", e.toString());
      return 1;
    }
  }
}
