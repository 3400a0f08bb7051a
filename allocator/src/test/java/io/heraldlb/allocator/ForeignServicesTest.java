package io.heraldlb.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Services another LoadBalancer controller owns: HeraldLB never writes to them, nor about them. */
@EnableKubernetesMockClient(crud = true, https = false)
class ForeignServicesTest {
  static final String POOLS = "pools { default { addresses = [\"192.168.1.240-192.168.1.250\"] } }";

  KubernetesClient client;
  MockCluster cluster;

  @BeforeEach
  void pools() {
    cluster = new MockCluster(client);
    cluster.pools(POOLS);
  }

  @AfterEach
  void stop() {
    cluster.closeAll();
  }

  @Test
  void leavesTheStatusThatAnotherClassesControllerWroteAsItIs() throws InterruptedException {
    cluster.startAllocator("one");
    Service theirs = writtenByTheirController("example.com/other");

    cluster.createService("default", "ours", b -> b);
    cluster.awaitIps("default", "ours");

    assertUntouched(theirs);
  }

  @Test
  void leavesClassLessServicesAloneWhileServingAClass() throws InterruptedException {
    cluster.startAllocator("one", "example.com/heraldlb");
    Service theirs = writtenByTheirController(null);

    cluster.createService(
        "default",
        "ours",
        b -> b.editSpec().withLoadBalancerClass("example.com/heraldlb").endSpec());
    cluster.awaitIps("default", "ours");

    assertUntouched(theirs);
  }

  /** A LoadBalancer Service of {@code lbClass} whose status its controller has written. */
  private Service writtenByTheirController(String lbClass) {
    Service created =
        cluster.createService(
            "default", "theirs", b -> b.editSpec().withLoadBalancerClass(lbClass).endSpec());
    created.setStatus(
        new ServiceStatusBuilder()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("192.168.1.245")
            .endIngress()
            .endLoadBalancer()
            .build());
    return client.services().resource(created).updateStatus();
  }

  private void assertUntouched(Service theirs) {
    Service now = cluster.service("default", "theirs");
    assertEquals(
        theirs.getMetadata().getResourceVersion(),
        now.getMetadata().getResourceVersion(),
        "nothing written to it");
    assertEquals(List.of("192.168.1.245"), cluster.ips("default", "theirs"));
    assertEquals(List.of(), cluster.events("default", "theirs"));
  }
}
