package io.heraldlb.it.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the real-control-plane lab itself, without any HeraldLB process: upstream components
 * answer, Pods become EndpointSlices, kube-proxy on the nodes forwards a LoadBalancer IP to pods on
 * every node, and HeraldLB's ServiceAccounts get exactly what deploy/'s RBAC grants. A node's
 * kernel owning the address stands in for a speaker's announcement.
 */
@LabTest(nodes = 2, refusalsFail = false)
class RealLabHarnessIT {
  private static final int PORT = 8080;
  private static Lab lab;
  private static KubernetesClient kube;

  @BeforeAll
  static void init(Lab theLab) {
    lab = theLab;
    kube = lab.kube();
    lab.serveServices();
  }

  @Test
  void kubectlTalksToTheUpstreamApiServerItWasBuiltWith() {
    Path bin = lab.controlPlane().binaries();
    Cmd.Result version =
        Cmd.run(
            List.of(
                bin.resolve("kubectl").toString(),
                "--kubeconfig",
                lab.kubeconfig().toString(),
                "version"),
            Duration.ofSeconds(20));
    version.orThrow();
    assertTrue(version.out().contains("Server Version: v1."), version.out());
    assertFalse(version.out().contains("v0.0.0"), "unstamped binaries: " + version.out());
  }

  @Test
  void podsOfAServiceBecomeEndpointSlicesAndKubeProxyForwardsItsLoadBalancerIpToEveryNode() {
    String ip = lab.subnet().v4(60);
    Service created =
        kube.services()
            .inNamespace("default")
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("harness")
                    .endMetadata()
                    .withNewSpec()
                    .withType("LoadBalancer")
                    .addToSelector("app", "harness")
                    .addNewPort()
                    .withPort(PORT)
                    .withProtocol("TCP")
                    .endPort()
                    .endSpec()
                    .build())
            .create();
    assertTrue(
        created.getSpec().getClusterIP().startsWith("10.96."), "the API server allocated it");
    created.setStatus(
        new io.fabric8.kubernetes.api.model.ServiceStatusBuilder()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp(ip)
            .withIpMode("VIP")
            .endIngress()
            .endLoadBalancer()
            .build());
    kube.services().inNamespace("default").resource(created).updateStatus();

    List<EndpointSlice> slices =
        Await.value(
            "the EndpointSlice controller to list both pods",
            Duration.ofSeconds(30),
            () -> {
              List<EndpointSlice> found =
                  kube.discovery()
                      .v1()
                      .endpointSlices()
                      .inNamespace("default")
                      .withLabel("kubernetes.io/service-name", "harness")
                      .list()
                      .getItems();
              long ready =
                  found.stream()
                      .filter(s -> "IPv4".equals(s.getAddressType()))
                      .filter(s -> s.getEndpoints() != null)
                      .flatMap(s -> s.getEndpoints().stream())
                      .filter(e -> Boolean.TRUE.equals(e.getConditions().getReady()))
                      .count();
              return ready == 2 ? java.util.Optional.of(found) : java.util.Optional.empty();
            });
    assertFalse(slices.isEmpty());

    LabNode node2 = lab.node(2);
    Cmd.check(node2.exec("ip", "addr", "add", ip + "/32", "dev", node2.iface()));
    try {
      Await.until(
          "kube-proxy on node2 to hold a rule for " + ip,
          Duration.ofSeconds(30),
          Duration.ofMillis(200),
          () -> lab.proxyRules(node2).contains(ip));
      Set<String> backends = new TreeSet<>();
      Await.until(
          "curl " + ip + " to reach the pods on both nodes through node2",
          Duration.ofSeconds(30),
          () -> {
            lab.client()
                .get(ip, PORT)
                .ifPresent(
                    answer -> {
                      assertEquals(node2, lab.entryNode(answer), "entered through node2");
                      backends.add(answer.backendNode());
                    });
            return backends.size() == 2;
          });
      System.out.println("kube-proxy's rules for " + ip + " on node2:");
      lab.proxyRules(node2).lines().filter(l -> l.contains(ip)).forEach(System.out::println);
    } finally {
      Cmd.run(node2.exec("ip", "addr", "del", ip + "/32", "dev", node2.iface()));
      kube.services().inNamespace("default").withName("harness").delete();
    }
  }

  @Test
  void heraldLbsServiceAccountsHoldWhatDeployGrantsAndNothingMore() {
    ControlPlane plane = lab.controlPlane();
    try (KubernetesClient speaker = clientFor(plane.kubeconfigFor(LabApi.SPEAKER_ACCOUNT));
        KubernetesClient allocator = clientFor(plane.kubeconfigFor(LabApi.ALLOCATOR_ACCOUNT))) {
      assertFalse(speaker.services().inAnyNamespace().list().getItems().isEmpty());
      assertEquals(2, speaker.nodes().list().getItems().size());
      KubernetesClientException refused =
          assertThrows(
              KubernetesClientException.class,
              () -> speaker.secrets().inNamespace(LabApi.HERALDLB_NAMESPACE).list());
      assertEquals(403, refused.getCode());
      KubernetesClientException noNodes =
          assertThrows(KubernetesClientException.class, () -> allocator.nodes().list());
      assertEquals(403, noNodes.getCode());
    }
    // The audit log that fails every other lab test class on a refusal records both.
    List<String> refused =
        AuditLog.forbidden(plane.auditLog()).stream()
            .map(r -> r.verb() + " " + r.resource() + " " + r.user())
            .toList();
    assertTrue(
        refused.contains(
            "list secrets system:serviceaccount:heraldlb-system:" + LabApi.SPEAKER_ACCOUNT),
        refused.toString());
    assertTrue(
        refused.contains(
            "list nodes system:serviceaccount:heraldlb-system:" + LabApi.ALLOCATOR_ACCOUNT),
        refused.toString());
  }

  private static KubernetesClient clientFor(Path kubeconfig) {
    try {
      String text = java.nio.file.Files.readString(kubeconfig);
      return new KubernetesClientBuilder()
          .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(text))
          .build();
    } catch (java.io.IOException e) {
      throw new LabException("cannot read " + kubeconfig, e);
    }
  }

  @Test
  void closeEndsTheControlPlaneAndRemovesEveryNamespaceOfTheRun() {
    Lab other = Lab.builder().nodes(1).start();
    String run = other.run();
    List<LabProcess> processes = other.processes();
    assertTrue(processes.stream().anyMatch(p -> p.name().equals("kube-apiserver")));

    other.close();

    assertEquals(List.of(), processes.stream().filter(LabProcess::isAlive).toList());
    assertEquals(List.of(), Netns.list().stream().filter(ns -> ns.startsWith(run + "-")).toList());
    assertEquals(
        List.of(), Netns.rootLinks().stream().filter(l -> l.startsWith(run + "-")).toList());
  }
}
