package io.heraldlb.speaker.lab;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * A manual-lab API server: a CRUD mock bound to {@code addr:port}, seeded with nodes, speaker pods,
 * a pool ConfigMap and one LoadBalancer Service that already has its address. Writes a kubeconfig
 * for the speakers. Usage: {@code MockApiMain ADDR PORT KUBECONFIG SERVICE_IP NODE=IP...}
 */
public final class MockApiMain {
  private MockApiMain() {}

  public static void main(String[] args) throws Exception {
    String addr = args[0];
    int port = Integer.parseInt(args[1]);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getByName(addr), port);
    KubernetesClient client = server.createClient();
    for (int i = 4; i < args.length; i++) {
      String[] kv = args[i].split("=");
      seedNode(client, kv[0], kv[1]);
    }
    client
        .configMaps()
        .inNamespace("heraldlb-system")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("heraldlb-config")
                .withNamespace("heraldlb-system")
                .endMetadata()
                .addToData("pools.conf", "pools { lab { addresses = [\"" + args[3] + "/32\"] } }")
                .build())
        .create();
    client
        .services()
        .inNamespace("default")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("default")
                .withUid("uid-web")
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .endSpec()
                .withNewStatus()
                .withNewLoadBalancer()
                .addNewIngress()
                .withIp(args[3])
                .withIpMode("VIP")
                .endIngress()
                .endLoadBalancer()
                .endStatus()
                .build())
        .create();
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: lab, cluster: {server: "http://%s:%d"}}]
        users: [{name: lab, user: {token: lab}}]
        contexts: [{name: lab, context: {cluster: lab, user: lab}}]
        current-context: lab
        """
            .formatted(addr, port);
    Files.writeString(Path.of(args[2]), kubeconfig);
    System.out.println(
        "mock API server on http://" + addr + ":" + port + ", kubeconfig " + args[2]);
    Thread.currentThread().join();
  }

  private static void seedNode(KubernetesClient client, String name, String ip) {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("kubernetes.io/hostname", name)
                .endMetadata()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress(ip)
                .endAddress()
                .endStatus()
                .build())
        .create();
    client
        .pods()
        .inNamespace("heraldlb-system")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("speaker-" + name)
                .withNamespace("heraldlb-system")
                .addToLabels("app.kubernetes.io/name", "heraldlb-speaker")
                .endMetadata()
                .withNewSpec()
                .withNodeName(name)
                .endSpec()
                .withNewStatus()
                .withPodIP(ip)
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
  }
}
