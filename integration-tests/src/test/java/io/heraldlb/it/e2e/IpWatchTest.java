package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.heraldlb.it.lab.ApiServer;
import io.heraldlb.it.lab.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker of scenario 6 must be able to fail: each violation it exists for, on its own. */
class IpWatchTest {
  private ApiServer api;
  private KubernetesClient kube;
  private IpWatch watch;

  @BeforeEach
  void start(@TempDir Path dir) {
    api = ApiServer.start("127.0.0.1", dir.resolve("kubeconfig"));
    kube = api.client();
    watch = new IpWatch(kube, "default");
  }

  @AfterEach
  void stop() {
    watch.close();
    api.close();
  }

  @Test
  void aServiceWhoseIpChangesIsReported() {
    show(create("a"), "192.168.1.240");
    show(kube.services().withName("a").get(), "192.168.1.241");

    awaitViolations(List.of("a changed from [192.168.1.240] to [192.168.1.241]"));
  }

  @Test
  void aServiceThatLosesItsIpIsReported() {
    show(create("a"), "192.168.1.240");
    Service a = kube.services().withName("a").get();
    a.getStatus().getLoadBalancer().setIngress(List.of());
    kube.services().resource(a).updateStatus();

    awaitViolations(List.of("a changed from [192.168.1.240] to []"));
  }

  @Test
  void oneIpOnTwoServicesIsReported() {
    show(create("a"), "192.168.1.240");
    show(create("b"), "192.168.1.240");

    awaitViolations(List.of("192.168.1.240 is on [a, b] at once"));
  }

  @Test
  void anIpPassedOnAfterADeleteIsFine() {
    show(create("a"), "192.168.1.240");
    Await.until("a to be seen", Duration.ofSeconds(10), () -> watch.servicesWithIps() == 1);
    kube.services().withName("a").delete();
    show(create("b"), "192.168.1.240");

    Await.until("b to be seen", Duration.ofSeconds(10), () -> watch.servicesWithIps() == 2);
    assertEquals(List.of(), watch.violations());
  }

  private Service create(String name) {
    return kube.services().resource(Cluster.loadBalancer("default", name, 80).build()).create();
  }

  private void show(Service s, String ip) {
    s.setStatus(
        new io.fabric8.kubernetes.api.model.ServiceStatusBuilder()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp(ip)
            .withIpMode("VIP")
            .endIngress()
            .endLoadBalancer()
            .build());
    kube.services().resource(s).updateStatus();
  }

  private void awaitViolations(List<String> expected) {
    Await.until(
        "violations " + expected, Duration.ofSeconds(10), () -> !watch.violations().isEmpty());
    assertEquals(expected, watch.violations().stream().distinct().toList());
  }
}
