package io.heraldlb.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Service waiting for an address gets one as soon as another Service gives one up, not at the
 * next full resync minutes later.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class PendingServicesTest {
  KubernetesClient client;
  MockCluster cluster;

  @BeforeEach
  void onePool() throws InterruptedException {
    cluster = new MockCluster(client);
    cluster.pools("pools { tiny { addresses = [\"192.168.9.1\"] } }");
    cluster.startAllocator("one");
    cluster.createService("default", "a", b -> b);
    assertEquals(List.of("192.168.9.1"), cluster.awaitIps("default", "a"));
    cluster.createService("default", "b", b -> b);
    cluster.awaitEvent("default", "b", "Warning AllocationFailed");
  }

  @AfterEach
  void stop() {
    cluster.closeAll();
  }

  @Test
  void aWaitingServiceGetsTheAddressADeletedServiceFreed() {
    client.services().inNamespace("default").withName("a").delete();
    assertEquals(List.of("192.168.9.1"), cluster.awaitIps("default", "b"));
  }

  @Test
  void aWaitingServiceGetsTheAddressOfAServiceThatStoppedBeingALoadBalancer() {
    client
        .services()
        .inNamespace("default")
        .withName("a")
        .edit(s -> new ServiceBuilder(s).editSpec().withType("ClusterIP").endSpec().build());
    assertEquals(List.of("192.168.9.1"), cluster.awaitIps("default", "b"));
  }
}
