package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The objects a kubelet would keep for the lab's nodes: the Node with its addresses, and Pods with
 * the status a kubelet reports once their containers run. Created through the API like any client
 * would (on the real API server the status goes through the status subresource, which is where a
 * kubelet writes it).
 */
final class Seeds {
  private Seeds() {}

  /** A Ready Node named like the lab node, with its InternalIP. */
  static Node node(KubernetesClient client, LabNode node) {
    Node object =
        new NodeBuilder()
            .withNewMetadata()
            .withName(node.name())
            .addToLabels("kubernetes.io/hostname", node.name())
            .addToLabels("kubernetes.io/os", "linux")
            .endMetadata()
            .withNewStatus()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress(node.ip())
            .endAddress()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress(node.ipv6())
            .endAddress()
            .addNewAddress()
            .withType("Hostname")
            .withAddress(node.name())
            .endAddress()
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .endCondition()
            .endStatus()
            .build();
    client.nodes().resource(object).create();
    return withStatus(client, object, object.getStatus());
  }

  /** The speaker DaemonSet's pod on that node: host network, so its pod IP is the node IP. */
  static Pod speakerPod(KubernetesClient client, LabNode node) {
    return hostNetworkPod(
        client,
        LabApi.HERALDLB_NAMESPACE,
        "heraldlb-speaker-" + node.name(),
        Map.of(LabApi.SPEAKER_LABEL, LabApi.SPEAKER_LABEL_VALUE),
        LabApi.SPEAKER_ACCOUNT,
        node);
  }

  /** A running, ready pod on the host network of {@code node}: its pod IP is the node's. */
  static Pod hostNetworkPod(
      KubernetesClient client,
      String namespace,
      String name,
      Map<String, String> labels,
      String serviceAccount,
      LabNode node) {
    Pod object =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withNodeName(node.name())
            .withHostNetwork(true)
            .withServiceAccountName(serviceAccount)
            .withAutomountServiceAccountToken(false)
            .addNewContainer()
            .withName("program")
            .withImage("ghcr.io/heraldlb/lab:lab")
            .endContainer()
            .endSpec()
            .build();
    return running(client, object, List.of(node.ip()), node.ip(), true);
  }

  /**
   * A Service backend on {@code node}, at {@code podIp}, labelled {@code labels}; ready or not as
   * its readiness probe would say.
   */
  static Pod backendPod(
      KubernetesClient client,
      String namespace,
      String name,
      Map<String, String> labels,
      LabNode node,
      List<String> podIps,
      boolean ready) {
    Pod object =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withNodeName(node.name())
            .withAutomountServiceAccountToken(false)
            .addNewContainer()
            .withName("backend")
            .withImage("ghcr.io/heraldlb/lab-backend:lab")
            .endContainer()
            .endSpec()
            .build();
    return running(client, object, podIps, node.ip(), ready);
  }

  /** Sets a running pod's Ready condition, as the kubelet does when its probe changes. */
  static Pod setReady(KubernetesClient client, Pod pod, boolean ready) {
    PodStatus now = client.pods().resource(pod).get().getStatus();
    List<String> ips = now.getPodIPs().stream().map(PodIP::getIp).toList();
    return withStatus(client, pod, status(containerOf(pod), ips, now.getHostIP(), ready));
  }

  private static Pod running(
      KubernetesClient client, Pod object, List<String> podIps, String hostIp, boolean ready) {
    return withStatus(
        client,
        createWhenAdmitted(client, object),
        status(containerOf(object), podIps, hostIp, ready));
  }

  private static String containerOf(Pod pod) {
    return pod.getSpec().getContainers().get(0).getName();
  }

  /**
   * Writes {@code status} through the status subresource, on the latest version of the object: on a
   * real API server controllers change new objects at once (the TTL controller annotates every
   * Node), so a write based on the created object may meet a 409.
   */
  private static <T extends HasMetadata> T withStatus(
      KubernetesClient client, T object, Object status) {
    for (int attempt = 1; ; attempt++) {
      T latest = client.resource(object).get();
      try {
        if (latest instanceof Node node) {
          node.setStatus((io.fabric8.kubernetes.api.model.NodeStatus) status);
        } else if (latest instanceof Pod pod) {
          pod.setStatus((PodStatus) status);
        }
        return client.resource(latest).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  private static PodStatus status(
      String container, List<String> podIps, String hostIp, boolean ready) {
    String now = Instant.now().toString().replaceAll("\\.\\d+Z$", "Z");
    String readiness = ready ? "True" : "False";
    PodStatusBuilder status = new PodStatusBuilder().withPhase("Running").withPodIP(podIps.get(0));
    podIps.forEach(ip -> status.addNewPodIP(ip));
    return status
        .withHostIP(hostIp)
        .addNewHostIP(hostIp)
        .withStartTime(now)
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .withLastTransitionTime(now)
        .endCondition()
        .addNewCondition()
        .withType("Initialized")
        .withStatus("True")
        .withLastTransitionTime(now)
        .endCondition()
        .addNewCondition()
        .withType("ContainersReady")
        .withStatus(readiness)
        .withLastTransitionTime(now)
        .endCondition()
        .addNewCondition()
        .withType("Ready")
        .withStatus(readiness)
        .withLastTransitionTime(now)
        .endCondition()
        .addNewContainerStatus()
        .withName(container)
        .withImage("ghcr.io/heraldlb/lab:lab")
        .withImageID("")
        .withReady(ready)
        .withStarted(true)
        .withRestartCount(0)
        .withNewState()
        .withNewRunning()
        .withStartedAt(now)
        .endRunning()
        .endState()
        .endContainerStatus()
        .build();
  }

  /**
   * Creates the pod, retrying while the ServiceAccount admission plugin refuses it because the
   * namespace's ServiceAccount does not exist yet (kube-controller-manager makes it moments after
   * the namespace).
   */
  private static Pod createWhenAdmitted(KubernetesClient client, Pod object) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (true) {
      try {
        return client.pods().resource(object).create();
      } catch (KubernetesClientException e) {
        boolean noAccountYet =
            e.getCode() == 403 && String.valueOf(e.getMessage()).contains("serviceaccount");
        if (!noAccountYet || Instant.now().isAfter(deadline)) {
          throw e;
        }
        Await.pause(Duration.ofMillis(100));
      }
    }
  }
}
