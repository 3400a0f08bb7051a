package io.heraldlb.speaker.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.heraldlb.config.IpAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class KubeAnnouncementsTest {
  KubernetesClient client;
  KubernetesMockServer server;

  /** The requests the server got since the last call, as "METHOD path". */
  private List<String> requests() throws InterruptedException {
    List<String> out = new java.util.ArrayList<>();
    for (RecordedRequest r = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        r != null;
        r = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      out.add(r.getMethod() + " " + r.getPath());
    }
    return out;
  }

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

  private Map<?, ?> status() {
    return (Map<?, ?>) current().getAdditionalProperties().get("status");
  }

  private void storedSaying(String interfaceName) {
    GenericKubernetesResource o =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("heraldlb.io/v1alpha1")
            .withKind("Announcement")
            .withNewMetadata()
            .withName("ip-192-168-1-240")
            .withNamespace("heraldlb-system")
            .addToLabels(KubeAnnouncements.NODE_LABEL, "node1")
            .endMetadata()
            .build();
    o.setAdditionalProperty(
        "status",
        Map.of(
            "ip", "192.168.1.240",
            "node", "node1",
            "interfaces", List.of(interfaceName),
            "services", List.of("shop/web"),
            "since", "2026-12-01T10:00:00Z"));
    client
        .genericKubernetesResources(KubeAnnouncements.CONTEXT)
        .inNamespace("heraldlb-system")
        .resource(o)
        .create();
  }

  @Test
  void aRestartedSpeakerLeavesItsObjectsAloneWhereTheyAreRight() throws Exception {
    IpAddress ip = IpAddress.parse("192.168.1.240");
    storedSaying("eth0");
    String version = current().getMetadata().getResourceVersion();
    requests();
    try (KubeAnnouncements a =
        new KubeAnnouncements(
            client, "heraldlb-system", "node1", () -> Set.of("node1"), Clock.systemUTC())) {
      a.announcing(ip, List.of("eth0"), List.of("shop/web"));
      a.planned();
      a.flushForTest();
      a.announcing(ip, List.of("eth0"), List.of("shop/web"));
      a.flushForTest();
    }
    assertTrue(requests().stream().noneMatch(r -> r.startsWith("PATCH")), "not written again");
    assertEquals(version, current().getMetadata().getResourceVersion());
    assertEquals("2026-12-01T10:00:00Z", status().get("since"));
  }

  @Test
  void aRestartedSpeakerPutsRightWhatChangedWhileItWasAway() throws Exception {
    IpAddress ip = IpAddress.parse("192.168.1.240");
    storedSaying("eth1");
    requests();
    try (KubeAnnouncements a =
        new KubeAnnouncements(
            client, "heraldlb-system", "node1", () -> Set.of("node1"), Clock.systemUTC())) {
      a.announcing(ip, List.of("eth0"), List.of("shop/web"));
      a.planned();
      a.flushForTest();
    }
    // The mock server neither applies server-side apply nor keeps the request's body: that the
    // object was written again is what is checked here (AnnouncementIT checks what it says).
    List<String> patches = requests().stream().filter(r -> r.startsWith("PATCH")).toList();
    assertEquals(1, patches.size(), patches.toString());
  }

  private void storedFor(String name, String node, boolean labelled) {
    GenericKubernetesResource o =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("heraldlb.io/v1alpha1")
            .withKind("Announcement")
            .withNewMetadata()
            .withName(name)
            .withNamespace("heraldlb-system")
            .addToLabels(labelled ? Map.of(KubeAnnouncements.NODE_LABEL, node) : Map.of())
            .endMetadata()
            .build();
    o.setAdditionalProperty("status", Map.of("ip", "192.168.1.1", "node", node));
    client
        .genericKubernetesResources(KubeAnnouncements.CONTEXT)
        .inNamespace("heraldlb-system")
        .resource(o)
        .create();
  }

  private Set<String> names() {
    return client
        .genericKubernetesResources(KubeAnnouncements.CONTEXT)
        .inNamespace("heraldlb-system")
        .list()
        .getItems()
        .stream()
        .map(o -> o.getMetadata().getName())
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void theFirstLiveSpeakerRemovesTheObjectsOfSpeakersThatLeft() throws Exception {
    storedFor("ip-a", "node2", true); // a live speaker's
    storedFor("ip-b", "node9", true); // left
    storedFor("ip-c", "node9", false); // left, written before objects were labelled
    storedFor("ip-d", "node1", true); // this speaker's, no longer announced
    try (KubeAnnouncements a =
        new KubeAnnouncements(
            client,
            "heraldlb-system",
            "node1",
            () -> Set.of("node1", "node2"),
            Clock.systemUTC())) {
      a.planned();
      a.flushForTest();
    }
    assertEquals(Set.of("ip-a"), names());
  }

  @Test
  void anotherSpeakerLeavesTheObjectsOfSpeakersThatLeftToTheFirst() throws Exception {
    storedFor("ip-b", "node9", true);
    storedFor("ip-e", "node2", true); // node2's own, no longer announced
    try (KubeAnnouncements a =
        new KubeAnnouncements(
            client,
            "heraldlb-system",
            "node2",
            () -> Set.of("node1", "node2"),
            Clock.systemUTC())) {
      a.planned();
      a.flushForTest();
    }
    assertEquals(Set.of("ip-b"), names());
  }
}
