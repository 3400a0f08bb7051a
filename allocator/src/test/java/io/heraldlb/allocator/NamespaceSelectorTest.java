package io.heraldlb.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A pool's namespace-selector, against namespace labels as the API server has them. */
@EnableKubernetesMockClient(crud = true, https = false)
class NamespaceSelectorTest {
  KubernetesClient client;
  MockCluster cluster;

  @BeforeEach
  void start() throws InterruptedException {
    namespace("shop", Map.of("team", "shop"));
    namespace("blog", Map.of("team", "blog"));
    cluster = new MockCluster(client);
    cluster.pools(
        """
        pools {
          team {
            addresses = ["192.168.1.240-192.168.1.250"]
            namespace-selector { match-expressions = [{ key = team, operator = In, values = [shop] }] }
          }
        }
        """);
    cluster.startAllocator("one");
  }

  @AfterEach
  void stop() {
    cluster.closeAll();
  }

  private void namespace(String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .createOr(NonDeletingOperation::update);
  }

  @Test
  void onlyServicesOfSelectedNamespacesGetAnAddressAndRelabellingCounts() {
    cluster.createService("shop", "web", b -> b);
    cluster.createService("blog", "web", b -> b);
    assertEquals(List.of("192.168.1.240"), cluster.awaitIps("shop", "web"));
    String refused = cluster.awaitEvent("blog", "web", "Warning AllocationFailed");
    assertTrue(refused.contains("labelled team in (shop)"), refused);
    assertTrue(cluster.ips("blog", "web").isEmpty());

    namespace("blog", Map.of("team", "shop"));
    assertEquals(List.of("192.168.1.241"), cluster.awaitIps("blog", "web"));
  }
}
