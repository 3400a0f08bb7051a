package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.Cmd;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabApi;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.LabTest;
import io.heraldlb.it.lab.MetalLbCrds;
import io.heraldlb.it.lab.Programs;
import io.heraldlb.it.lab.ServiceTable;
import io.heraldlb.it.lab.SpeakerGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The switch from MetalLB, rehearsed as deploy/README.md describes it, on the real API server with
 * MetalLB's own CRDs: MetalLB's IPAddressPools and L2Advertisements as its documentation writes
 * them (a priority, namespace and Service selectors with expressions, an advertisement per node
 * group, one with interfaces, a pool no advertisement covers), Services holding the IPs MetalLB's
 * controller gave them (status and {@code metallb.io/ip-allocated-from-pool}, as it writes them),
 * then HeraldLB installed without a pool ConfigMap. No Service changes IP, new Services get
 * addresses as MetalLB would give them, and each address is answered from the node group of its
 * advertisement.
 */
@LabTest(nodes = 2)
class MetalLbSwitchIT {
  private static final String METALLB_POOL = "metallb.io/ip-allocated-from-pool";

  static final String METALLB_OBJECTS =
      """
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: edge, namespace: metallb-system}
      spec:
        addresses: [192.168.1.240-192.168.1.243]
        serviceAllocation:
          priority: 10
          namespaceSelectors:
          - matchLabels: {team: web}
          serviceSelectors:
          - matchExpressions:
            - {key: app, operator: In, values: [web, web-new]}
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: general, namespace: metallb-system, labels: {lb: general}}
      spec:
        addresses: [192.168.1.244/30]
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: reserved, namespace: metallb-system}
      spec:
        addresses: [192.168.1.248-192.168.1.250]
        autoAssign: false
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata: {name: edge, namespace: metallb-system}
      spec:
        ipAddressPools: [edge]
        nodeSelectors:
        - matchLabels: {zone: edge}
        interfaces: [eth0]
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata: {name: core, namespace: metallb-system}
      spec:
        ipAddressPoolSelectors:
        - matchLabels: {lb: general}
        nodeSelectors:
        - matchExpressions:
          - {key: zone, operator: NotIn, values: [edge]}
      """;

  @Test
  void aClusterThatRanMetalLbKeepsEveryIpAndIsAnnouncedAsMetalLbDid(Lab lab) throws Exception {
    Cluster cluster = new Cluster(lab);
    Traffic traffic = new Traffic(lab);
    LabNode edge = lab.node(1);
    LabNode core = lab.node(2);
    label(cluster, edge, "edge");
    label(cluster, core, "core");

    // What a cluster running MetalLB holds: its CRDs and objects, Services it gave IPs to.
    MetalLbCrds.install(lab);
    cluster.createNamespace("metallb-system");
    cluster
        .kube()
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("shop")
                .addToLabels("team", "web")
                .endMetadata()
                .build())
        .create();
    cluster.createNamespace("backoffice");
    kubectlApply(lab, METALLB_OBJECTS);
    givenByMetalLb(cluster, "shop", "web", "192.168.1.241", "edge");
    givenByMetalLb(cluster, "backoffice", "db", "192.168.1.245", "general");
    givenByMetalLb(cluster, "backoffice", "vip", "192.168.1.249", "reserved");
    Map<String, List<String>> before = ips(cluster);

    // HeraldLB as the guide installs it: no pool ConfigMap, so MetalLB's objects are read.
    List<LabProcess> speakers = new ArrayList<>(lab.startSpeakers());
    lab.startAllocator();
    lab.serveServices();
    SpeakerGroup.awaitConverged(lab.nodes(), speakers);

    cluster.awaitIp("shop", "web", "192.168.1.241");
    cluster.awaitIp("backoffice", "db", "192.168.1.245");
    cluster.awaitIp("backoffice", "vip", "192.168.1.249");
    assertEquals(before, ips(cluster), "no Service changed IP");
    assertEquals(
        "edge",
        cluster.get("shop", "web").getMetadata().getAnnotations().get(METALLB_POOL),
        "MetalLB's own annotation still says where the IP is from");

    // New Services, allocated as MetalLB would: the pinned pool with a priority first, for the
    // Services it selects; the pool without serviceAllocation for the rest.
    cluster.create(withLabel(Cluster.loadBalancer("shop", "web-new", 80), "app", "web-new"));
    cluster.create(Cluster.loadBalancer("shop", "cart", 80).build());
    cluster.create(withLabel(Cluster.loadBalancer("backoffice", "web-bo", 80), "app", "web"));
    cluster.create(
        Cluster.loadBalancer("backoffice", "vip-new", 80)
            .editMetadata()
            .addToAnnotations("metallb.io/address-pool", "reserved")
            .endMetadata()
            .build());
    String webNew = Cluster.ip(cluster.awaitIp("shop", "web-new"));
    String cart = Cluster.ip(cluster.awaitIp("shop", "cart"));
    // Selected by its labels, but in a namespace edge's namespaceSelectors do not select.
    assertEquals("general", Cluster.pool(cluster.awaitIp("backoffice", "web-bo")));
    String vipNew = Cluster.ip(cluster.awaitIp("backoffice", "vip-new"));
    assertEquals("edge", Cluster.pool(cluster.get("shop", "web-new")), webNew);
    assertEquals("general", Cluster.pool(cluster.get("shop", "cart")), cart);
    assertEquals("reserved", Cluster.pool(cluster.get("backoffice", "vip-new")), vipNew);

    // Announced from the node group of each advertisement; the pool none covers, by nobody.
    traffic.awaitAnnouncer("192.168.1.241", edge);
    traffic.awaitAnnouncer(webNew, edge);
    traffic.awaitAnnouncer("192.168.1.245", core);
    traffic.awaitAnnouncer(cart, core);
    traffic.awaitNoAnnouncer("192.168.1.249");
    traffic.awaitNoAnnouncer(vipNew);
    Event notAnnounced = cluster.awaitEvent("backoffice", "vip-new", "NotAnnounced");
    assertTrue(notAnnounced.getMessage().contains("L2Advertisement"), notAnnounced.getMessage());
    assertEquals(edge.name(), traffic.curl("192.168.1.241", 80));
    assertEquals(before.keySet().size() + 4, ips(cluster).size());
    for (Map.Entry<String, List<String>> e : before.entrySet()) {
      assertEquals(e.getValue(), ips(cluster).get(e.getKey()), e.getKey());
    }

    // No MetalLB webhook refuses a bad object any more: an overlapping pool is HeraldLB's to
    // refuse, naming it, while the last good pools stay in force.
    Map<String, List<String>> good = ips(cluster);
    kubectlApply(
        lab,
        """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: overlap, namespace: metallb-system}
        spec: {addresses: [192.168.1.242/31]}
        """);
    Event invalid = cluster.awaitEvent("metallb-system", "edge", "ConfigInvalid");
    assertTrue(
        invalid.getMessage().contains("IPAddressPool/overlap spec.addresses[0]"),
        invalid.getMessage());
    cluster.create(Cluster.loadBalancer("backoffice", "later", 80).build());
    assertEquals("general", Cluster.pool(cluster.awaitIp("backoffice", "later")));
    good.forEach((service, ips) -> assertEquals(ips, ips(cluster).get(service), service));

    // The guide's last step: leave MetalLB's objects behind. migrate turns what the cluster holds
    // into a pool ConfigMap, which wins once applied; the pools are the same, so nothing moves.
    kubectl(lab, "-n", "metallb-system", "delete", "ipaddresspool", "overlap");
    Map<String, List<String>> kept = ips(cluster);
    Path exported = lab.logDir().resolve("metallb-export.yaml");
    Files.writeString(
        exported,
        kubectl(
            lab, "-n", "metallb-system", "get", "ipaddresspools,l2advertisements", "-o", "yaml"));
    Cmd.Result migrated =
        Cmd.run(
            List.of(
                "java", "-jar", Programs.allocatorJar().toString(), "migrate", exported.toString()),
            Duration.ofSeconds(60));
    assertEquals(0, migrated.exit(), migrated.err());
    Set<String> loadedBefore = cluster.eventNames(LabApi.HERALDLB_NAMESPACE, "heraldlb-config");
    kubectlApply(lab, migrated.out());
    Event loaded =
        cluster.awaitEvent(
            LabApi.HERALDLB_NAMESPACE, "heraldlb-config", "ConfigLoaded", loadedBefore);
    assertTrue(loaded.getMessage().contains("edge, general, reserved"), loaded.getMessage());
    Await.pause(Duration.ofSeconds(2));
    assertEquals(kept, ips(cluster), "no Service changed IP when the ConfigMap took over");
    traffic.awaitAnnouncer("192.168.1.241", edge);
    traffic.awaitAnnouncer("192.168.1.245", core);
    traffic.awaitNoAnnouncer("192.168.1.249");
  }

  private static String kubectl(Lab lab, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(lab.controlPlane().binaries().resolve("kubectl").toString());
    argv.add("--kubeconfig");
    argv.add(lab.kubeconfig().toString());
    argv.addAll(List.of(args));
    Cmd.Result r = Cmd.run(argv, Duration.ofSeconds(60));
    assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.out() + r.err());
    return r.out();
  }

  /** Each Service's EXTERNAL-IPs, by namespace/name. */
  private static Map<String, List<String>> ips(Cluster cluster) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String ns : List.of("shop", "backoffice")) {
      for (Service s : cluster.kube().services().inNamespace(ns).list().getItems()) {
        out.put(ns + "/" + s.getMetadata().getName(), ServiceTable.ingressIps(s));
      }
    }
    return out;
  }

  private static void label(Cluster cluster, LabNode node, String zone) {
    cluster
        .kube()
        .nodes()
        .withName(node.name())
        .edit(
            n -> new NodeBuilder(n).editMetadata().addToLabels("zone", zone).endMetadata().build());
  }

  private static Service withLabel(ServiceBuilder b, String key, String value) {
    return b.editMetadata().addToLabels(key, value).endMetadata().build();
  }

  /** A Service as MetalLB's controller leaves it: the status, and its pool annotation. */
  private static void givenByMetalLb(
      Cluster cluster, String namespace, String name, String ip, String pool) {
    ServiceBuilder b = Cluster.loadBalancer(namespace, name, 80);
    if (pool.equals("edge")) {
      b.editMetadata().addToLabels("app", "web").endMetadata();
    }
    if (pool.equals("reserved")) {
      b.editMetadata().addToAnnotations("metallb.io/address-pool", pool).endMetadata();
    }
    Service created = cluster.create(b.build());
    cluster
        .kube()
        .services()
        .inNamespace(namespace)
        .resource(
            new ServiceBuilder(created)
                .editOrNewStatus()
                .editOrNewLoadBalancer()
                .withIngress(new LoadBalancerIngressBuilder().withIp(ip).build())
                .endLoadBalancer()
                .endStatus()
                .build())
        .updateStatus();
    cluster
        .kube()
        .services()
        .inNamespace(namespace)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"" + METALLB_POOL + "\":\"" + pool + "\"}}}");
    assertEquals(List.of(ip), ServiceTable.ingressIps(cluster.get(namespace, name)));
  }

  private static void kubectlApply(Lab lab, String yaml) {
    try {
      Path file = Files.createTempFile(lab.logDir(), "metallb-objects", ".yaml");
      Files.writeString(file, yaml);
      Cmd.Result r =
          Cmd.run(
              List.of(
                  lab.controlPlane().binaries().resolve("kubectl").toString(),
                  "--kubeconfig",
                  lab.kubeconfig().toString(),
                  "apply",
                  "-f",
                  file.toString()),
              Duration.ofSeconds(60));
      assertEquals(0, r.exit(), r.out() + r.err());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
