package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.Programs;
import io.heraldlb.it.lab.ServiceTable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Tier 4: the allocator jar against a real Kubernetes API server (K3s without its own ServiceLB),
 * read back the way {@code kubectl get svc} and {@code kubectl get events} read. Runs wherever a
 * Docker engine is reachable; skipped, saying so, where none is (our CI machines have none).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIf(
    value = "dockerAvailable",
    disabledReason =
        "K3s test skipped: no Docker engine reachable here (K3s needs one; the network-namespace"
            + " lab covers the same behaviour against the in-process API server)")
class K3sAllocatorIT {
  private static final String K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";
  private static final String SYSTEM = "heraldlb-system";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static K3sContainer k3s;
  private static KubernetesClient kube;
  private static Path kubeconfig;
  private static Process allocator;

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  @BeforeAll
  static void startK3s() throws IOException {
    k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
    k3s.withCommand(
        "server", "--disable=traefik", "--disable=servicelb", "--tls-san=" + k3s.getHost());
    k3s.start();
    String yaml = k3s.getKubeConfigYaml();
    kubeconfig = Files.createTempFile("heraldlb-k3s", ".kubeconfig");
    Files.writeString(kubeconfig, yaml);
    kube = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
    kube.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(SYSTEM).endMetadata().build())
        .create();
    kube.configMaps()
        .inNamespace(SYSTEM)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("heraldlb-config")
                .endMetadata()
                .withData(
                    Map.of(
                        "pools.conf",
                        "pools { default { addresses = [\"192.168.1.240-192.168.1.250\"] } }"))
                .build())
        .create();
    allocator = startAllocator();
  }

  @AfterAll
  static void stop() throws IOException {
    if (allocator != null) {
      allocator.destroyForcibly();
    }
    if (kube != null) {
      kube.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
    if (kubeconfig != null) {
      Files.deleteIfExists(kubeconfig);
    }
  }

  @Test
  @Order(1)
  void aLoadBalancerServiceGetsItsExternalIpFromThePoolOnARealApiServer() {
    kube.services().inNamespace("default").resource(web("web")).create();

    Service web = awaitIp("web");
    System.out.print(ServiceTable.format(List.of(web)));

    assertEquals(List.of("192.168.1.240"), ServiceTable.ingressIps(web));
    assertEquals("VIP", web.getStatus().getLoadBalancer().getIngress().get(0).getIpMode());
    assertEquals("default", web.getMetadata().getAnnotations().get(Cluster.POOL_ANNOTATION));
    Event allocated =
        Await.value(
            "an IPAllocated event on default/web",
            TIMEOUT,
            Duration.ofMillis(200),
            () ->
                kube
                    .v1()
                    .events()
                    .inNamespace("default")
                    .withField("involvedObject.name", "web")
                    .list()
                    .getItems()
                    .stream()
                    .filter(e -> "IPAllocated".equals(e.getReason()))
                    .findFirst());
    assertEquals("Assigned IP 192.168.1.240 from pool default", allocated.getMessage());
  }

  @Test
  @Order(2)
  void aRestartedAllocatorKeepsTheIpAndAssignsTheNextOne()
      throws InterruptedException, IOException {
    allocator.destroy();
    allocator.waitFor(30, TimeUnit.SECONDS);
    allocator = startAllocator();
    kube.services().inNamespace("default").resource(web("second")).create();

    assertEquals(List.of("192.168.1.241"), ServiceTable.ingressIps(awaitIp("second")));
    assertEquals(List.of("192.168.1.240"), ServiceTable.ingressIps(awaitIp("web")));
  }

  private static Service web(String name) {
    return Cluster.loadBalancer("default", name, 80).build();
  }

  private static Service awaitIp(String name) {
    return Await.value(
        "default/" + name + " to show an EXTERNAL-IP",
        TIMEOUT,
        Duration.ofMillis(200),
        () ->
            Optional.ofNullable(kube.services().inNamespace("default").withName(name).get())
                .filter(Cluster::settled));
  }

  private static Process startAllocator() throws IOException {
    Path log = Programs.repositoryRoot().resolve("integration-tests/target/k3s-allocator.log");
    ProcessBuilder builder =
        new ProcessBuilder(Programs.java(), "-Xmx160m", "-jar", Programs.allocatorJar().toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("HERALDLB_NAMESPACE", SYSTEM);
    builder.environment().put("HERALDLB_HTTP_PORT", Integer.toString(freePort()));
    return builder.start();
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
