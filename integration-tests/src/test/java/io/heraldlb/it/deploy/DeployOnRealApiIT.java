package io.heraldlb.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.heraldlb.it.lab.AuditLog;
import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.Cmd;
import io.heraldlb.it.lab.ControlPlane;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabApi;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.LabTest;
import io.heraldlb.it.lab.MetalLbCrds;
import io.heraldlb.it.lab.Programs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/ on the real API server: {@code kubectl apply -k deploy/} passes its validation and
 * admission, and the RBAC it grants is exactly what the programs use. For the RBAC, the allocator
 * and a speaker run in the lab with their ServiceAccounts' tokens through every path that calls the
 * API; the API server's audit log records each request with the RBAC authorizer's decision, and
 * both directions are checked ({@link RbacCheck}): every call was allowed, and every grant was
 * used. The speaker is not given {@code HERALDLB_POD_IP}, so it reads its Node for the InternalIP,
 * as it does in a cluster where the variable is unset.
 */
@LabTest(nodes = 1)
class DeployOnRealApiIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String POOL_ANNOTATION = "heraldlb.io/ip-allocated-from-pool";

  private static Lab lab;
  private static KubernetesClient kube;

  @BeforeAll
  static void init(Lab theLab) {
    lab = theLab;
    kube = lab.kube();
  }

  @Test
  void kubectlApplyKustomizationPassesTheRealApiServersValidationAndAdmission() {
    Cmd.Result applied =
        lab.kubectl(
            Duration.ofSeconds(60),
            "apply",
            "--dry-run=server",
            "-k",
            Programs.repositoryRoot().resolve("deploy").toString());
    assertEquals(0, applied.exit(), applied.out() + applied.err());
    for (String object :
        List.of("daemonset.apps/heraldlb-speaker", "deployment.apps/heraldlb-allocator")) {
      assertTrue(applied.out().contains(object), applied.out());
    }
    assertFalse(
        applied.out().contains("configmap/heraldlb-config"),
        "the pools are applied on their own, not by the kustomization: " + applied.out());
  }

  @Test
  void bothProgramsCallOnlyWhatTheirRolesGrantAndUseEveryGrant() {
    ControlPlane plane = lab.controlPlane();
    Rbac rbac = new Rbac(Kustomization.build(Programs.repositoryRoot().resolve("deploy")));
    assertEquals(
        Set.of(RbacCheck.NS + "/heraldlb-allocator", RbacCheck.NS + "/heraldlb-speaker"),
        rbac.subjects(),
        "the bound ServiceAccounts");
    // With MetalLB's CRDs installed both programs watch its pool objects (the ConfigMap still
    // wins), so those grants are exercised too.
    MetalLbCrds.install(lab);
    Instant start = Instant.now();
    applyPool();
    lab.serveServices();
    // Two Services, so that the speaker's Announcements are written under two names.
    for (String name : List.of("web", "db")) {
      kube.services()
          .inNamespace("default")
          .resource(
              new ServiceBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .withNewSpec()
                  .withType("LoadBalancer")
                  .addToSelector("app", name)
                  .addNewPort()
                  .withPort(80)
                  .withProtocol("TCP")
                  .endPort()
                  .endSpec()
                  .build())
          .create();
    }

    LabProcess allocator = lab.startAllocator();
    Await.until(
        "the allocator to assign web and db",
        TIMEOUT,
        () -> assigned(service("web")) && assigned(service("db")));
    Await.until(
        "the allocator to renew its Lease",
        TIMEOUT,
        Duration.ofMillis(200),
        () ->
            requests(plane, LabApi.ALLOCATOR_ACCOUNT, start).stream()
                .anyMatch(c -> c.verb().equals("patch") && c.resource().equals("leases")));

    Map<String, String> withoutPodIp = new HashMap<>();
    withoutPodIp.put("HERALDLB_POD_IP", "");
    LabProcess speaker = lab.startSpeaker(lab.node(1), withoutPodIp);
    Await.until(
        "the speaker to write an Event on web", TIMEOUT, () -> eventFrom("heraldlb-speaker"));

    // Three pools, then one: the leader writes a PoolUsage for each and deletes those gone.
    Await.until(
        "the allocator to write each pool's PoolUsage",
        TIMEOUT,
        () -> poolUsages().equals(Set.of("default", "spare", "extra")));
    lab.applyPools("pools { default { addresses = [\"192.168.1.240-192.168.1.250\"] } }");
    Await.until(
        "the allocator to delete the PoolUsages of the pools gone",
        TIMEOUT,
        () -> poolUsages().equals(Set.of("default")));

    Await.until(
        "the speaker to record both addresses it announces",
        TIMEOUT,
        () -> announcements().size() == 2);

    // Services that stop being LoadBalancers: the allocator clears the status it wrote, and the
    // speaker deletes its Announcements.
    for (String name : List.of("web", "db")) {
      kube.services()
          .inNamespace("default")
          .withName(name)
          .edit(s -> new ServiceBuilder(s).editSpec().withType("ClusterIP").endSpec().build());
    }
    Await.until(
        "the allocator to clear both statuses",
        TIMEOUT,
        () -> !assigned(service("web")) && !assigned(service("db")));
    Await.until(
        "the speaker to delete its Announcements", TIMEOUT, () -> announcements().isEmpty());

    lab.terminateWatcher(speaker);
    lab.terminateWatcher(allocator);
    RbacCheck.check(
        rbac,
        RbacCheck.NS + "/heraldlb-allocator",
        requests(plane, LabApi.ALLOCATOR_ACCOUNT, start));
    RbacCheck.check(
        rbac, RbacCheck.NS + "/heraldlb-speaker", requests(plane, LabApi.SPEAKER_ACCOUNT, start));
  }

  /** The guarded-metrics overlay renders, passes admission, and sets what the programs need. */
  @Test
  void theGuardedMetricsOverlaySwitchesBothProgramsAndTheirProbesToHttps() {
    Path kubectl = lab.controlPlane().binaries().resolve("kubectl");
    String overlay = Programs.repositoryRoot().resolve("deploy/secure-metrics").toString();
    Cmd.Result applied =
        lab.kubectl(Duration.ofSeconds(60), "apply", "--dry-run=server", "-k", overlay);
    assertEquals(0, applied.exit(), applied.out() + applied.err());
    Cmd.Result rendered =
        Cmd.run(List.of(kubectl.toString(), "kustomize", overlay), Duration.ofSeconds(60));
    assertEquals(0, rendered.exit(), rendered.err());
    int workloads = 0;
    for (io.fabric8.kubernetes.api.model.HasMetadata o :
        kube.load(
                new java.io.ByteArrayInputStream(
                    rendered.out().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .items()) {
      io.fabric8.kubernetes.api.model.PodSpec pod =
          o instanceof io.fabric8.kubernetes.api.model.apps.DaemonSet ds
              ? ds.getSpec().getTemplate().getSpec()
              : o instanceof io.fabric8.kubernetes.api.model.apps.Deployment d
                  ? d.getSpec().getTemplate().getSpec()
                  : null;
      if (pod == null) {
        continue;
      }
      workloads++;
      io.fabric8.kubernetes.api.model.Container c = pod.getContainers().get(0);
      Map<String, String> env = new HashMap<>();
      c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
      String where = o.getKind() + " " + o.getMetadata().getName();
      assertEquals("kubernetes", env.get("HERALDLB_HTTP_AUTHORIZATION"), where);
      String dir = env.get("HERALDLB_HTTP_TLS_DIR");
      assertTrue(
          c.getVolumeMounts().stream()
              .anyMatch(m -> m.getMountPath().equals(dir) && m.getName().equals("metrics-tls")),
          where + " mounts the certificate at " + dir);
      assertTrue(
          pod.getVolumes().stream()
              .anyMatch(
                  v ->
                      v.getSecret() != null
                          && "heraldlb-metrics-tls".equals(v.getSecret().getSecretName())),
          where);
      assertEquals("HTTPS", c.getReadinessProbe().getHttpGet().getScheme(), where);
      assertEquals("HTTPS", c.getLivenessProbe().getHttpGet().getScheme(), where);
      assertTrue(
          c.getEnv().stream().anyMatch(e -> e.getName().equals("HERALDLB_NODE_NAME"))
              || o.getKind().equals("Deployment"),
          where + " keeps the base's settings");
    }
    assertEquals(2, workloads, rendered.out());
  }

  /**
   * deploy/secure-metrics/ on the real authenticator and authorizer: its RBAC installed as
   * rendered, a speaker and an allocator started with the overlay's settings, and /metrics scraped
   * by a client on the LAN with no token, a forged one, the token of a ServiceAccount RBAC does not
   * let read /metrics, and one of a ServiceAccount bound to the overlay's reader role.
   */
  @Test
  void withGuardedMetricsOnlyATokenRbacAllowsGetsTheMetricsAndProbesStayOpen() {
    Path overlay = Programs.repositoryRoot().resolve("deploy").resolve("secure-metrics");
    lab.controlPlane().installHeraldLbIdentities(overlay);
    applyPool();
    String scraper = token(serviceAccount("scraper"));
    String nosy = token(serviceAccount("nosy"));
    kube.rbac()
        .clusterRoleBindings()
        .resource(
            new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("scraper-reads-heraldlb")
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName("heraldlb-metrics-reader")
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("scraper")
                .withNamespace("default")
                .endSubject()
                .build())
        .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    Instant start = Instant.now();
    Map<String, String> guarded =
        Map.of(
            "HERALDLB_HTTP_TLS_DIR",
            lab.speakerGroupKey().toString(), // any TLS Secret's files
            "HERALDLB_HTTP_AUTHORIZATION",
            "kubernetes");
    io.heraldlb.it.lab.LabNode node = lab.node(1);
    LabProcess speaker = lab.startSpeaker(node, guarded);
    Map<String, String> allocatorEnv = new HashMap<>(guarded);
    allocatorEnv.put("HERALDLB_HTTP_PORT", "7472");
    LabProcess allocator = lab.startAllocator("allocator-guarded", node, allocatorEnv);
    try {
      for (int port : List.of(7473, 7472)) {
        String base = "https://" + node.ip() + ":" + port;
        Await.until(
            "/healthz over HTTPS without a token on " + port,
            TIMEOUT,
            () -> scrape(base + "/healthz", null).startsWith("200"));
        assertTrue(scrape(base + "/readyz", null).matches("(200|503)[\\s\\S]*"), "a probe answer");
        assertTrue(scrape(base + "/metrics", null).startsWith("401"), "no token, " + port);
        assertTrue(scrape(base + "/metrics", "forged").startsWith("401"), "forged, " + port);
        String refused = scrape(base + "/metrics", nosy);
        assertTrue(refused.startsWith("403") && !refused.contains("heraldlb_"), refused);
        String allowed = scrape(base + "/metrics", scraper);
        assertTrue(allowed.startsWith("200") && allowed.contains("heraldlb_"), allowed);
      }
      lab.awaitApiQuiet(Duration.ofSeconds(1), TIMEOUT);
    } finally {
      lab.terminateWatcher(speaker);
      lab.terminateWatcher(allocator);
    }
    for (String account : List.of(LabApi.SPEAKER_ACCOUNT, LabApi.ALLOCATOR_ACCOUNT)) {
      List<ApiCall> calls = requests(lab.controlPlane(), account, start);
      for (String review : List.of("tokenreviews", "subjectaccessreviews")) {
        assertTrue(
            calls.stream().anyMatch(c -> c.verb().equals("create") && c.resource().equals(review)),
            account + " created " + review + ": " + calls);
      }
    }
  }

  private static String serviceAccount(String name) {
    kube.serviceAccounts()
        .inNamespace("default")
        .resource(
            new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .build())
        .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    return name;
  }

  private static String token(String account) {
    return kube.serviceAccounts()
        .inNamespace("default")
        .withName(account)
        .tokenRequest(
            new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(3600L)
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  /** The status code, a newline and the body, as curl in the node's namespace got them. */
  private static String scrape(String url, String token) {
    List<String> argv = new java.util.ArrayList<>(List.of("curl", "-sk", "--max-time", "5"));
    if (token != null) {
      argv.addAll(List.of("-H", "Authorization: Bearer " + token));
    }
    argv.addAll(List.of("-w", "%{stderr}%{http_code}", url));
    Cmd.Result r =
        Cmd.run(List.of(lab.node(1).exec(argv.toArray(String[]::new))), Duration.ofSeconds(10));
    return r.err().strip() + "\n" + r.out();
  }

  /** What ServiceAccount {@code account} asked of the API since {@code start}, as RBAC sees it. */
  private static List<ApiCall> requests(ControlPlane plane, String account, Instant start) {
    String user = "system:serviceaccount:" + LabApi.HERALDLB_NAMESPACE + ":" + account;
    return AuditLog.read(plane.auditLog()).stream()
        .filter(r -> r.user().equals(user) && !r.received().isBefore(start))
        .flatMap(
            r -> {
              ApiCall call =
                  new ApiCall(r.group(), r.resource(), r.verb(), r.namespace(), r.name());
              // A server-side apply that creates its object (201) is authorised as a create too.
              return r.verb().equals("patch") && r.code() == 201
                  ? java.util.stream.Stream.of(
                      call, new ApiCall(r.group(), r.resource(), "create", r.namespace(), r.name()))
                  : java.util.stream.Stream.of(call);
            })
        .toList();
  }

  private static void applyPool() {
    lab.applyPools(
        "pools { default { addresses = [\"192.168.1.240-192.168.1.250\"] },"
            + " spare { addresses = [\"192.168.1.251-192.168.1.252\"] },"
            + " extra { addresses = [\"192.168.1.253-192.168.1.254\"] } }");
  }

  private static Set<String> poolUsages() {
    return Set.copyOf(names("PoolUsage"));
  }

  private static Service service(String name) {
    return kube.services().inNamespace("default").withName(name).get();
  }

  private static List<String> announcements() {
    return names("Announcement");
  }

  /** The names of HeraldLB's status objects of {@code kind} (heraldlb.io/v1alpha1). */
  private static List<String> names(String kind) {
    return kube
        .genericKubernetesResources("heraldlb.io/v1alpha1", kind)
        .inNamespace(LabApi.HERALDLB_NAMESPACE)
        .list()
        .getItems()
        .stream()
        .map(o -> o.getMetadata().getName())
        .toList();
  }

  private static boolean assigned(Service s) {
    return s != null
        && s.getStatus() != null
        && s.getStatus().getLoadBalancer() != null
        && s.getStatus().getLoadBalancer().getIngress() != null
        && !s.getStatus().getLoadBalancer().getIngress().isEmpty()
        && s.getMetadata().getAnnotations() != null
        && s.getMetadata().getAnnotations().containsKey(POOL_ANNOTATION);
  }

  private static boolean eventFrom(String component) {
    return kube.v1().events().inNamespace("default").list().getItems().stream()
        .map(Event::getSource)
        .filter(Objects::nonNull)
        .anyMatch(s -> component.equals(s.getComponent()));
  }
}
