package io.heraldlb.it.lab;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real Kubernetes control plane for one lab, from the binaries {@link KubeBinaries} builds: etcd
 * on the root namespace's loopback, kube-apiserver on the lab's gateway address (TLS, RBAC, token
 * authentication, ServiceAccount tokens, the default admission plugins, an audit log of HeraldLB's
 * own requests), and kube-controller-manager (EndpointSlices, ServiceAccounts, garbage collection,
 * namespaces).
 *
 * <p>The node lifecycle controller is off: the lab runs no kubelets, so no Node would ever renew
 * its Lease, and the controller would mark every Node unknown after 50 s, taint it and have its
 * Pods evicted. Nodes keep the status the lab gives them, as a kubelet would report it; HeraldLB
 * does not read node readiness anyway (a node's speaker being in the group is what counts).
 *
 * <p>Over 300 lines on purpose: the three processes share one PKI, the tokens and the ports, and
 * the faults the tests inject (stopping the API server, restarting etcd, compacting it) need that
 * state.
 */
public final class ControlPlane implements LabApi {
  public static final int API_PORT = 6443;

  /** Dual-stack, like the lab's LAN: IPv4 first, so Services are IPv4 unless they ask. */
  public static final String SERVICE_CIDR = "10.96.0.0/16,fd96::/108";

  public static final String POD_CIDR = "10.244.0.0/16,fd44::/48";
  static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
  static final String ADMIN = "lab-admin";

  private final Path dir;
  private final Path bin;
  private final String address;
  private final Launcher launcher;
  private final Pki pki;
  private final String adminToken = Pki.newToken();
  private final String controllerManagerToken = Pki.newToken();
  private final String proxyToken = Pki.newToken();
  private final Map<String, Path> identities = new ConcurrentHashMap<>();
  private final int etcdPort = freePort();
  private final int etcdPeerPort = freePort();
  private LabProcess etcd;
  private LabProcess apiServer;
  private LabProcess controllerManager;
  private KubernetesClient admin;

  private ControlPlane(Path bin, String address, Launcher launcher) {
    this.bin = bin;
    this.address = address;
    this.launcher = launcher;
    this.dir = launcher.logDir().resolve("kube");
    this.pki =
        Pki.create(
            dir.resolve("pki"),
            List.of(address, "127.0.0.1", "10.96.0.1"),
            List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc", "localhost"));
  }

  /** Starts etcd, the API server and the controller manager; returns once the API is ready. */
  public static ControlPlane start(Path bin, String address, Launcher launcher) {
    ControlPlane plane = new ControlPlane(bin, address, launcher);
    try {
      plane.writeFiles();
      plane.startEtcd();
      plane.startApiServer();
      plane.admin = plane.client(plane.adminToken, "default");
      plane.startControllerManager();
      return plane;
    } catch (RuntimeException e) {
      plane.close();
      throw e;
    }
  }

  private void writeFiles() {
    Pki.write(
        dir.resolve("tokens.csv"),
        String.join(
            "\n",
            adminToken + "," + ADMIN + ",lab-admin,\"system:masters\"",
            controllerManagerToken + ",system:kube-controller-manager,kcm,",
            proxyToken + ",system:kube-proxy,kube-proxy,",
            ""));
    // HeraldLB's own requests, with the authorizer's decision: the RBAC check reads them.
    Pki.write(
        dir.resolve("audit-policy.yaml"),
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: Metadata
          userGroups: ["system:serviceaccounts:heraldlb-system"]
        - level: None
        """);
    writeKubeconfig(dir.resolve("admin.kubeconfig"), ADMIN, adminToken);
    writeKubeconfig(
        dir.resolve("controller-manager.kubeconfig"),
        "system:kube-controller-manager",
        controllerManagerToken);
    writeKubeconfig(dir.resolve("kube-proxy.kubeconfig"), "system:kube-proxy", proxyToken);
  }

  private void startEtcd() {
    String client = "http://127.0.0.1:" + etcdPort;
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    etcd =
        launcher.start(
            "etcd",
            null,
            Map.of(),
            List.of(
                bin.resolve("etcd").toString(),
                "--name=lab",
                "--data-dir=" + dir.resolve("etcd-data"),
                "--listen-client-urls=" + client,
                "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=lab=" + peer,
                // The lab's etcd lives as long as a test class: durability buys nothing here.
                "--unsafe-no-fsync",
                "--log-level=warn"));
    awaitHttp(etcd, client + "/health", "\"health\":\"true\"", Duration.ofSeconds(30));
  }

  private void startApiServer() {
    apiServer =
        launcher.start(
            "kube-apiserver",
            null,
            Map.of(),
            List.of(
                bin.resolve("kube-apiserver").toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=" + address,
                "--advertise-address=" + address,
                "--secure-port=" + API_PORT,
                "--tls-cert-file=" + pki.serverCert,
                "--tls-private-key-file=" + pki.serverKey,
                "--client-ca-file=" + pki.caCert,
                "--token-auth-file=" + dir.resolve("tokens.csv"),
                "--authorization-mode=RBAC",
                "--service-account-issuer=" + ISSUER,
                "--service-account-key-file=" + pki.serviceAccountPub,
                "--service-account-signing-key-file=" + pki.serviceAccountKey,
                "--service-cluster-ip-range=" + SERVICE_CIDR,
                "--allow-privileged=true",
                "--audit-policy-file=" + dir.resolve("audit-policy.yaml"),
                "--audit-log-path=" + auditLog(),
                "--audit-log-format=json",
                "--profiling=false",
                "--v=1"));
    awaitReady();
  }

  private void startControllerManager() {
    controllerManager =
        launcher.start(
            "kube-controller-manager",
            null,
            Map.of(),
            List.of(
                bin.resolve("kube-controller-manager").toString(),
                "--kubeconfig=" + dir.resolve("controller-manager.kubeconfig"),
                "--controllers=*,-node-lifecycle-controller",
                "--leader-elect=false",
                "--use-service-account-credentials=true",
                "--service-account-private-key-file=" + pki.serviceAccountKey,
                "--root-ca-file=" + pki.caCert,
                "--secure-port=0",
                "--v=1"));
    Await.until(
        "kube-controller-manager to create the default ServiceAccount",
        Duration.ofSeconds(60),
        Duration.ofMillis(200),
        () -> {
          requireAlive(controllerManager);
          return admin.serviceAccounts().inNamespace("default").withName("default").get() != null;
        });
  }

  /** Waits until {@code /readyz} says ok (the API server's own readiness, as kubeadm checks it). */
  private void awaitReady() {
    awaitHttp(
        apiServer, "https://" + address + ":" + API_PORT + "/readyz", "ok", Duration.ofSeconds(90));
  }

  private void awaitHttp(LabProcess process, String url, String expect, Duration timeout) {
    HttpClient http = Https.trusting(pki.caPem());
    Await.until(
        process.name() + " to answer " + url,
        timeout,
        Duration.ofMillis(100),
        () -> {
          requireAlive(process);
          try {
            HttpResponse<String> response =
                http.send(
                    HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + adminToken)
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains(expect);
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted waiting for " + url, e);
          }
        });
  }

  private static void requireAlive(LabProcess process) {
    if (!process.isAlive()) {
      throw new LabException(
          process.name() + " exited; its log (" + process.log() + ") ends:\n" + process.tail(15));
    }
  }

  @Override
  public String url() {
    return "https://" + address + ":" + API_PORT;
  }

  @Override
  public Path kubeconfig() {
    return dir.resolve("admin.kubeconfig");
  }

  @Override
  public KubernetesClient client() {
    return admin;
  }

  @Override
  public boolean real() {
    return true;
  }

  /** kube-proxy's identity: the user {@code system:kube-proxy}, bound to system:node-proxier. */
  Path kubeProxyKubeconfig() {
    return dir.resolve("kube-proxy.kubeconfig");
  }

  public Path auditLog() {
    return dir.resolve("audit.log");
  }

  public Path binaries() {
    return bin;
  }

  /**
   * A kubeconfig holding a token of ServiceAccount {@code heraldlb-system/NAME} (TokenRequest, 24
   * hours): the identity the program would have in its pod.
   */
  @Override
  public Path kubeconfigFor(String serviceAccount) {
    return identities.computeIfAbsent(
        serviceAccount,
        name -> {
          TokenRequest request =
              new TokenRequestBuilder()
                  .withNewSpec()
                  .withAudiences(ISSUER)
                  .withExpirationSeconds(24L * 3600)
                  .endSpec()
                  .build();
          TokenRequest issued =
              admin
                  .serviceAccounts()
                  .inNamespace(LabApi.HERALDLB_NAMESPACE)
                  .withName(name)
                  .tokenRequest(request);
          Path file = dir.resolve(name + ".kubeconfig");
          writeKubeconfig(
              file,
              "system:serviceaccount:" + LabApi.HERALDLB_NAMESPACE + ":" + name,
              issued.getStatus().getToken());
          return file;
        });
  }

  /**
   * Applies HeraldLB's namespace, ServiceAccounts and RBAC as {@code kubectl kustomize deploy/}
   * renders them — what {@code kubectl apply -k deploy/} would install, minus the workloads (the
   * lab runs the programs itself) and the pool (each test applies its own).
   */
  public void installHeraldLbIdentities(Path deployDir) {
    Cmd.Result rendered =
        Cmd.run(
            List.of(bin.resolve("kubectl").toString(), "kustomize", deployDir.toString()),
            Duration.ofSeconds(60));
    rendered.orThrow();
    Set<String> kinds =
        Set.of(
            "Namespace",
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding");
    List<HasMetadata> applied = new ArrayList<>();
    for (HasMetadata item :
        admin
            .load(new ByteArrayInputStream(rendered.out().getBytes(StandardCharsets.UTF_8)))
            .items()) {
      if (kinds.contains(item.getKind())) {
        applied.add(admin.resource(item).createOr(NonDeletingOperation::update));
      }
    }
    if (applied.stream().noneMatch(i -> "ServiceAccount".equals(i.getKind()))) {
      throw new LabException("kubectl kustomize " + deployDir + " rendered no ServiceAccount");
    }
  }

  /**
   * Stops the API server only: SIGTERM, then SIGKILL after 5 s, as a kubelet stops a static pod
   * with a short grace period. (Left alone it waits a minute for its watch connections to close.)
   */
  public void stopApiServer() {
    apiServer.terminate();
    try {
      apiServer.awaitExit(Duration.ofSeconds(5));
    } catch (LabException stillRunning) {
      apiServer.stop();
    }
  }

  /** Starts the API server again with the same flags; returns once it is ready. */
  public void startApiServer(boolean waitReady) {
    if (apiServer.isAlive()) {
      throw new LabException("kube-apiserver is running");
    }
    apiServer = launcher.track(apiServer.restart());
    if (waitReady) {
      awaitReady();
    }
  }

  /** etcd SIGKILLed and started again on the same data; returns once the API is ready again. */
  public void restartEtcd() {
    etcd = launcher.track(etcd.restart());
    awaitHttp(
        etcd,
        "http://127.0.0.1:" + etcdPort + "/health",
        "\"health\":\"true\"",
        Duration.ofSeconds(90));
    awaitReady();
  }

  /**
   * Makes every watch the API server ever gave out too old to resume, as hours of writes and etcd's
   * periodic compaction would: with the API server stopped, writes one key of the lab's own to etcd
   * and compacts its history up to that write. The restarted API server's watch cache then starts
   * past every client's last resourceVersion, so each watch that comes back gets 410 Gone and its
   * informer must list again.
   */
  public void expireEveryWatch() {
    if (apiServer.isAlive()) {
      throw new LabException("stop the API server first: it would see the write");
    }
    String etcdUrl = "http://127.0.0.1:" + etcdPort;
    String key = Base64.getEncoder().encodeToString("/heraldlb-lab/expire".getBytes(UTF_8));
    String value = Base64.getEncoder().encodeToString(Instant.now().toString().getBytes(UTF_8));
    String put =
        etcdJson(etcdUrl + "/v3/kv/put", "{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}");
    java.util.regex.Matcher revision =
        java.util.regex.Pattern.compile("\"revision\":\"(\\d+)\"").matcher(put);
    if (!revision.find()) {
      throw new LabException("etcd did not say which revision the write made: " + put);
    }
    etcdJson(
        etcdUrl + "/v3/kv/compaction",
        "{\"revision\":\"" + revision.group(1) + "\",\"physical\":true}");
  }

  private static String etcdJson(String url, String body) {
    try {
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .proxy(HttpClient.Builder.NO_PROXY)
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url))
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new LabException(url + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new LabException("cannot reach etcd at " + url + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted talking to etcd", e);
    }
  }

  /** A client with {@code token}, trusting the lab's CA. */
  KubernetesClient client(String token, String namespace) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url())
            .withCaCertData(base64(pki.caPem()))
            .withOauthToken(token)
            .withNamespace(namespace)
            .withRequestTimeout(10_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private void writeKubeconfig(Path file, String user, String token) {
    Kubeconfig.write(file, url(), pki.caPem(), user, token);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A port on 127.0.0.1 that is free now, below the kernel's ephemeral range (32768 and up by
   * default): a port the kernel itself handed out could go to any outgoing connection (the lab
   * opens hundreds) before etcd binds it, which once failed a run with "address already in use".
   */
  private static int freePort() {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = FIXED_PORTS_FROM + random.nextInt(FIXED_PORTS_COUNT);
      try (ServerSocket socket =
          new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new LabException(
        "no free port on 127.0.0.1 in " + FIXED_PORTS_FROM + "+" + FIXED_PORTS_COUNT);
  }

  private static final int FIXED_PORTS_FROM = 20_000;
  private static final int FIXED_PORTS_COUNT = 12_000;

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    for (LabProcess process : new LabProcess[] {controllerManager, apiServer, etcd}) {
      if (process != null) {
        process.stop();
      }
    }
    // The logs and the audit log stay for reading; the cluster's state goes with the cluster.
    deleteTree(dir.resolve("etcd-data"));
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("lab: cannot remove " + root + ": " + e.getMessage());
    }
  }
}
