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
    Path kubectl = lab.controlPlane().binaries().resolve("kubectl");
    Cmd.Result applied =
        Cmd.run(
            List.of(
                kubectl.toString(),
                "--kubeconfig",
                lab.kubeconfig().toString(),
                "apply",
                "--dry-run=server",
                "-k",
                Programs.repositoryRoot().resolve("deploy").toString()),
            Duration.ofSeconds(60));
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
    kube.services()
        .inNamespace("default")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .addToSelector("app", "web")
                .addNewPort()
                .withPort(80)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build())
        .create();

    LabProcess allocator = lab.startAllocator();
    Await.until("the allocator to assign web", TIMEOUT, () -> assigned(web()));
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

    // A Service that stops being a LoadBalancer: the allocator clears the status it wrote.
    kube.services()
        .inNamespace("default")
        .withName("web")
        .edit(s -> new ServiceBuilder(s).editSpec().withType("ClusterIP").endSpec().build());
    Await.until("the allocator to clear web's status", TIMEOUT, () -> !assigned(web()));

    lab.terminateWatcher(speaker);
    lab.terminateWatcher(allocator);
    RbacCheck.check(
        rbac,
        RbacCheck.NS + "/heraldlb-allocator",
        requests(plane, LabApi.ALLOCATOR_ACCOUNT, start));
    RbacCheck.check(
        rbac, RbacCheck.NS + "/heraldlb-speaker", requests(plane, LabApi.SPEAKER_ACCOUNT, start));
  }

  /** What ServiceAccount {@code account} asked of the API since {@code start}, as RBAC sees it. */
  private static List<ApiCall> requests(ControlPlane plane, String account, Instant start) {
    String user = "system:serviceaccount:" + LabApi.HERALDLB_NAMESPACE + ":" + account;
    return AuditLog.read(plane.auditLog()).stream()
        .filter(r -> r.user().equals(user) && !r.received().isBefore(start))
        .map(r -> new ApiCall(r.group(), r.resource(), r.verb(), r.namespace(), r.name()))
        .toList();
  }

  private static void applyPool() {
    lab.applyPools("pools { default { addresses = [\"192.168.1.240-192.168.1.250\"] } }");
  }

  private static Service web() {
    return kube.services().inNamespace("default").withName("web").get();
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
