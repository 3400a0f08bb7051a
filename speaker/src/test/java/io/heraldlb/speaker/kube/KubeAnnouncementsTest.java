package io.heraldlb.speaker.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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

  private GenericKubernetesResource store(
      String name, Map<String, String> labels, Map<String, Object> status) {
    GenericKubernetesResource o =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("heraldlb.io/v1alpha1")
            .withKind("Announcement")
            .withNewMetadata()
            .withName(name)
            .withNamespace("heraldlb-system")
            .addToLabels(labels)
            .endMetadata()
            .build();
    o.setAdditionalProperty("status", status);
    return client
        .genericKubernetesResources(KubeAnnouncements.CONTEXT)
        .inNamespace("heraldlb-system")
        .resource(o)
        .create();
  }

  private GenericKubernetesResource stored(String node) {
    return store("ip-192-168-1-240", Map.of(), Map.of("ip", "192.168.1.240", "node", node));
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
    store(
        "ip-192-168-1-240",
        Map.of(KubeAnnouncements.NODE_LABEL, "node1"),
        Map.of(
            "ip", "192.168.1.240",
            "node", "node1",
            "interfaces", List.of(interfaceName),
            "services", List.of("shop/web"),
            "since", "2026-12-01T10:00:00Z"));
  }

  /**
   * The PATCH requests of a restarted node1 that announces 192.168.1.240 on eth0 {@code times}
   * times, its object from before saying {@code before}.
   */
  private List<String> patchesOfARestart(String before, int times) throws Exception {
    IpAddress ip = IpAddress.parse("192.168.1.240");
    storedSaying(before);
    requests();
    try (KubeAnnouncements a =
        new KubeAnnouncements(
            client, "heraldlb-system", "node1", () -> Set.of("node1"), Clock.systemUTC())) {
      for (int i = 0; i < times; i++) {
        a.announcing(ip, List.of("eth0"), List.of("shop/web"));
        a.planned();
        a.flushForTest();
      }
    }
    return requests().stream().filter(r -> r.startsWith("PATCH")).toList();
  }

  @Test
  void aRestartedSpeakerLeavesItsObjectsAloneWhereTheyAreRight() throws Exception {
    assertEquals(List.of(), patchesOfARestart("eth0", 2), "not written again");
    assertEquals("2026-12-01T10:00:00Z", status().get("since"));
  }

  @Test
  void aRestartedSpeakerPutsRightWhatChangedWhileItWasAway() throws Exception {
    // The mock server neither applies server-side apply nor keeps the request's body: that the
    // object was written again is what is checked here (AnnouncementIT checks what it says).
    assertEquals(1, patchesOfARestart("eth1", 1).size());
  }

  private void storedFor(String name, String node, boolean labelled) {
    store(
        name,
        labelled ? Map.of(KubeAnnouncements.NODE_LABEL, node) : Map.of(),
        Map.of("ip", "192.168.1.1", "node", node));
  }

  /** The first resync of a speaker on {@code node} that announces nothing. */
  private void resyncAs(String node, Set<String> live) throws Exception {
    try (KubeAnnouncements a =
        new KubeAnnouncements(client, "heraldlb-system", node, () -> live, Clock.systemUTC())) {
      a.planned();
      a.flushForTest();
    }
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
    resyncAs("node1", Set.of("node1", "node2"));
    assertEquals(Set.of("ip-a"), names());
  }

  @Test
  void anotherSpeakerLeavesTheObjectsOfSpeakersThatLeftToTheFirst() throws Exception {
    storedFor("ip-b", "node9", true);
    storedFor("ip-e", "node2", true); // node2's own, no longer announced
    resyncAs("node2", Set.of("node1", "node2"));
    assertEquals(Set.of("ip-b"), names());
  }
}
