package io.heraldlb.speaker.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.heraldlb.config.IpAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class KubeAnnouncementsTest {
  KubernetesClient client;

  private GenericKubernetesResource stored(String node) {
    GenericKubernetesResource o =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("heraldlb.io/v1alpha1")
            .withKind("Announcement")
            .withNewMetadata()
            .withName("ip-192-168-1-240")
            .withNamespace("heraldlb-system")
            .endMetadata()
            .build();
    o.setAdditionalProperty("status", Map.of("ip", "192.168.1.240", "node", node));
    return client
        .genericKubernetesResources(KubeAnnouncements.CONTEXT)
        .inNamespace("heraldlb-system")
        .resource(o)
        .create();
  }

  private GenericKubernetesResource current() {
    return client
        .genericKubernetesResources(KubeAnnouncements.CONTEXT)
        .inNamespace("heraldlb-system")
        .withName("ip-192-168-1-240")
        .get();
  }

  @Test
  void anAddressThisNodeStopsAnnouncingLosesItsObjectOnlyWhileTheObjectNamesThisNode()
      throws Exception {
    IpAddress ip = IpAddress.parse("192.168.1.240");
    stored("node2");
    try (KubeAnnouncements a =
        new KubeAnnouncements(client, "heraldlb-system", "node1", Set::of, Clock.systemUTC())) {
      a.stopped(ip);
      a.flushForTest();
    }
    assertEquals(
        "node2",
        ((Map<?, ?>) current().getAdditionalProperties().get("status")).get("node"),
        "a successor's object stays");
    client
        .genericKubernetesResources(KubeAnnouncements.CONTEXT)
        .inNamespace("heraldlb-system")
        .withName("ip-192-168-1-240")
        .delete();
    stored("node1");
    try (KubeAnnouncements a =
        new KubeAnnouncements(client, "heraldlb-system", "node1", Set::of, Clock.systemUTC())) {
      a.stopped(ip);
      a.flushForTest();
    }
    assertNull(current(), "its own object goes");
  }
}
