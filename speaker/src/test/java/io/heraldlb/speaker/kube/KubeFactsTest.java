package io.heraldlb.speaker.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.election.NodeFacts;
import io.heraldlb.speaker.election.TrafficPolicy;
import io.heraldlb.speaker.plan.ServiceInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KubeFactsTest {

  static Service lb(String name, String cls, String policy, String... ips) {
    ServiceBuilder b =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName(name)
            .withUid("u-" + name)
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withLoadBalancerClass(cls)
            .withExternalTrafficPolicy(policy)
            .endSpec();
    var status = b.withNewStatus().withNewLoadBalancer();
    for (String ip : ips) {
      status.addNewIngress().withIp(ip).endIngress();
    }
    return status.endLoadBalancer().endStatus().build();
  }

  @Test
  void aLoadBalancerWithAnAddressBecomesAServiceInfo() {
    ServiceInfo info =
        KubeFacts.service(lb("web", null, "Local", "192.168.1.240", "2001:db8::1"), "")
            .orElseThrow();
    assertEquals("shop/web", info.key());
    assertEquals(TrafficPolicy.LOCAL, info.policy());
    assertEquals(
        List.of(IpAddress.parse("192.168.1.240"), IpAddress.parse("2001:db8::1")), info.ips());
  }

  @Test
  void servicesWithoutAnAddressOrOfAnotherTypeAreIgnored() {
    assertEquals(Optional.empty(), KubeFacts.service(lb("web", null, "Cluster"), ""));
    Service clusterIp = lb("web", null, "Cluster", "192.168.1.240");
    clusterIp.getSpec().setType("ClusterIP");
    assertEquals(Optional.empty(), KubeFacts.service(clusterIp, ""));
  }

  @Test
  void theClassRuleMatchesTheAllocators() {
    Service unclassed = lb("a", null, "Cluster", "192.168.1.240");
    Service ours = lb("b", "heraldlb.io/lb", "Cluster", "192.168.1.241");
    assertTrue(KubeFacts.service(unclassed, "").isPresent());
    assertTrue(KubeFacts.service(ours, "").isEmpty());
    assertTrue(KubeFacts.service(unclassed, "heraldlb.io/lb").isEmpty());
    assertTrue(KubeFacts.service(ours, "heraldlb.io/lb").isPresent());
  }

  @Test
  void hostnameIngressEntriesAreSkipped() {
    Service s = lb("web", null, "Cluster");
    s.getStatus()
        .getLoadBalancer()
        .getIngress()
        .add(
            new io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder()
                .withHostname("lb.example")
                .build());
    assertEquals(Optional.empty(), KubeFacts.service(s, ""));
  }

  @Test
  void endpointNodesCountReadyOrServingEndpoints() {
    EndpointSlice slice =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace("shop")
            .withName("web-x")
            .addToLabels("kubernetes.io/service-name", "web")
            .endMetadata()
            .addNewEndpoint()
            .withNodeName("ready")
            .withNewConditions()
            .withReady(true)
            .endConditions()
            .endEndpoint()
            .addNewEndpoint()
            .withNodeName("unknown")
            .endEndpoint()
            .addNewEndpoint()
            .withNodeName("terminating")
            .withNewConditions()
            .withReady(false)
            .withServing(true)
            .endConditions()
            .endEndpoint()
            .addNewEndpoint()
            .withNodeName("down")
            .withNewConditions()
            .withReady(false)
            .withServing(false)
            .endConditions()
            .endEndpoint()
            .build();
    assertEquals(Optional.of("shop/web"), KubeFacts.serviceKey(slice));
    assertEquals(Set.of("ready", "unknown", "terminating"), KubeFacts.endpointNodes(slice));
  }

  @Test
  void nodesCarryLabelsNetworkUnavailableAndTheirInternalIp() {
    var node =
        new NodeBuilder()
            .withNewMetadata()
            .withName("n1")
            .addToLabels("zone", "a")
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("NetworkUnavailable")
            .withStatus("True")
            .endCondition()
            .addNewAddress()
            .withType("Hostname")
            .withAddress("n1")
            .endAddress()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress("10.0.0.11")
            .endAddress()
            .endStatus()
            .build();
    assertTrue(KubeFacts.node(node, false).networkUnavailable());
    assertEquals("a", KubeFacts.node(node, false).labels().get("zone"));
    assertEquals(Optional.of(IpAddress.parse("10.0.0.11")), KubeFacts.internalIp(node));
  }

  @Test
  void excludesLabelledControlPlaneNodesUnlessTold() {
    Node controlPlane =
        new NodeBuilder()
            .withNewMetadata()
            .withName("cp1")
            .addToLabels(NodeFacts.EXCLUDE_LABEL, "")
            .addToLabels("node-role.kubernetes.io/control-plane", "")
            .endMetadata()
            .build();
    assertTrue(KubeFacts.node(controlPlane, false).excluded());
    assertFalse(KubeFacts.node(controlPlane, true).excluded());
    assertTrue(
        KubeFacts.node(controlPlane, true).labels().containsKey(NodeFacts.EXCLUDE_LABEL),
        "the label stays visible to node selectors");
  }

  static io.fabric8.kubernetes.api.model.Pod speakerPod(String node, String ip, String phase) {
    return new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata()
        .withName("speaker-" + node)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .withPodIP(ip)
        .endStatus()
        .build();
  }

  @Test
  void aSpeakerPodCountsOnceItHasAnAddressUntilItEndsOrIsDeleted() {
    assertEquals(
        Optional.of("n1"), KubeFacts.speakerNode(speakerPod("n1", "10.0.0.11", "Running")));
    assertEquals(Optional.empty(), KubeFacts.speakerNode(speakerPod("n1", null, "Pending")));
    assertEquals(Optional.empty(), KubeFacts.speakerNode(speakerPod("n1", "10.0.0.11", "Failed")));
    var deleted = speakerPod("n1", "10.0.0.11", "Running");
    deleted.getMetadata().setDeletionTimestamp("2024-01-01T00:00:00Z");
    assertEquals(Optional.empty(), KubeFacts.speakerNode(deleted));
  }

  @Test
  void aNodeIsTakenForDownOnlyWhenItsReadyConditionSaysSo() {
    var node = new NodeBuilder().withNewMetadata().withName("n1").endMetadata();
    assertTrue(KubeFacts.maybeReady(node.build()));
    assertTrue(
        KubeFacts.maybeReady(
            node.withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build()));
    var unknown =
        new NodeBuilder()
            .withNewMetadata()
            .withName("n2")
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus("Unknown")
            .endCondition()
            .endStatus()
            .build();
    assertEquals(false, KubeFacts.maybeReady(unknown));
  }
}
