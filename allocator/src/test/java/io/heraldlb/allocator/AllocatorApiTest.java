package io.heraldlb.allocator;

import static io.heraldlb.allocator.MockCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class AllocatorApiTest {
  static final String POOLS =
      """
      pools {
        default { addresses = ["192.168.1.240-192.168.1.250"] }
        reserved { addresses = ["192.168.2.10-192.168.2.20"], auto-assign = false }
        dual { addresses = ["10.9.0.1-10.9.0.9", "2001:db8::1-2001:db8::9"], auto-assign = false }
      }
      """;

  KubernetesClient client;
  MockCluster cluster;

  @BeforeEach
  void start() throws InterruptedException {
    cluster = new MockCluster(client);
    cluster.pools(POOLS);
    cluster.startAllocator("one");
  }

  @AfterEach
  void stop() {
    cluster.closeAll();
  }

  @Test
  void givesANewLoadBalancerServiceTheFirstPoolAddressWithAnEvent() {
    cluster.createService("default", "web", b -> b);
    assertEquals(List.of("192.168.1.240"), cluster.awaitIps("default", "web"));
    Service s = cluster.service("default", "web");
    assertEquals("VIP", s.getStatus().getLoadBalancer().getIngress().get(0).getIpMode());
    await(
        () ->
            "default"
                .equals(
                    cluster
                        .service("default", "web")
                        .getMetadata()
                        .getAnnotations()
                        .get(ServiceFacts.ALLOCATED_FROM)),
        "the pool annotation");
    assertEquals(
        "Normal IPAllocated: Assigned IP 192.168.1.240 from pool default",
        cluster.awaitEvent("default", "web", "Normal IPAllocated"));
  }

  @Test
  void keepsMetallbsPoolAnnotationTrueWhereAServiceCarriesIt() {
    // A Service MetalLB served, now moved to another pool by its pool annotation.
    cluster.createService(
        "default",
        "moved",
        b ->
            b.editMetadata()
                .addToAnnotations(ServiceFacts.METALLB_ALLOCATED_FROM, "old-metallb-pool")
                .addToAnnotations("metallb.io/address-pool", "reserved")
                .endMetadata());
    cluster.createService("default", "plain", b -> b);
    assertEquals(List.of("192.168.2.10"), cluster.awaitIps("default", "moved"));
    await(
        () ->
            "reserved"
                .equals(
                    cluster
                        .service("default", "moved")
                        .getMetadata()
                        .getAnnotations()
                        .get(ServiceFacts.METALLB_ALLOCATED_FROM)),
        "MetalLB's pool annotation to name the pool HeraldLB took the IP from");
    cluster.awaitIps("default", "plain");
    await(
        () ->
            cluster
                .service("default", "plain")
                .getMetadata()
                .getAnnotations()
                .containsKey(ServiceFacts.ALLOCATED_FROM),
        "HeraldLB's pool annotation");
    assertEquals(
        null,
        cluster
            .service("default", "plain")
            .getMetadata()
            .getAnnotations()
            .get(ServiceFacts.METALLB_ALLOCATED_FROM),
        "MetalLB's annotation is not added where MetalLB never wrote it");
  }

  @Test
  void honoursRequestedIpsFromTheAnnotationAndItsAliases() {
    cluster.createService(
        "default",
        "a",
        b ->
            b.editMetadata()
                .addToAnnotations("heraldlb.io/loadBalancerIPs", "192.168.2.15")
                .endMetadata());
    cluster.createService(
        "default",
        "b",
        b ->
            b.editMetadata()
                .addToAnnotations("metallb.universe.tf/loadBalancerIPs", "192.168.2.16")
                .endMetadata());
    cluster.createService(
        "default", "c", b -> b.editSpec().withLoadBalancerIP("192.168.2.17").endSpec());
    cluster.createService(
        "default",
        "d",
        b ->
            b.editMetadata().addToAnnotations("metallb.io/address-pool", "reserved").endMetadata());
    assertEquals(List.of("192.168.2.15"), cluster.awaitIps("default", "a"));
    assertEquals(List.of("192.168.2.16"), cluster.awaitIps("default", "b"));
    assertEquals(List.of("192.168.2.17"), cluster.awaitIps("default", "c"));
    assertEquals(List.of("192.168.2.10"), cluster.awaitIps("default", "d"));
  }

  @Test
  void leavesARefusedServicePendingWithAnEventThatSaysWhy() {
    cluster.createService("default", "owner", b -> b);
    cluster.awaitIps("default", "owner");
    cluster.createService(
        "default",
        "thief",
        b ->
            b.editMetadata()
                .addToAnnotations("heraldlb.io/loadBalancerIPs", "192.168.1.240")
                .endMetadata());
    cluster.createService(
        "default",
        "typo",
        b ->
            b.editMetadata()
                .addToAnnotations("heraldlb.io/loadBalancerIPs", "192.168.1.2x0")
                .endMetadata());
    assertEquals(
        "Warning AllocationFailed: requested IP 192.168.1.240 is already used by default/owner",
        cluster.awaitEvent("default", "thief", "Warning AllocationFailed"));
    assertEquals(
        "Warning AllocationFailed: annotation heraldlb.io/loadBalancerIPs: '192.168.1.2x0' is not an IP address",
        cluster.awaitEvent("default", "typo", "Warning AllocationFailed"));
    assertEquals(List.of(), cluster.ips("default", "thief"));
    assertEquals(List.of("192.168.1.240"), cluster.ips("default", "owner"));
  }

  @Test
  void sharesOneIpBetweenServicesWithTheSameKey() {
    cluster.createService(
        "default",
        "http",
        b -> b.editMetadata().addToAnnotations("heraldlb.io/allow-shared-ip", "k").endMetadata());
    cluster.createService(
        "default",
        "dns",
        b ->
            b.editMetadata()
                .addToAnnotations("metallb.io/allow-shared-ip", "k")
                .endMetadata()
                .editSpec()
                .editFirstPort()
                .withProtocol("UDP")
                .withPort(53)
                .endPort()
                .endSpec());
    assertEquals(cluster.awaitIps("default", "http"), cluster.awaitIps("default", "dns"));
  }

  @Test
  void givesADualStackServiceOneIpPerFamily() {
    cluster.createService(
        "default",
        "dual",
        b ->
            b.editMetadata()
                .addToAnnotations("heraldlb.io/address-pool", "dual")
                .endMetadata()
                .editSpec()
                .withIpFamilyPolicy("RequireDualStack")
                .withIpFamilies("IPv6", "IPv4")
                .endSpec());
    assertEquals(List.of("2001:db8::1", "10.9.0.1"), cluster.awaitIps("default", "dual"));
  }

  @Test
  void ignoresServicesOfAnotherLoadBalancerClassAndOtherTypes() {
    cluster.createService(
        "default",
        "classy",
        b -> b.editSpec().withLoadBalancerClass("example.com/other").endSpec());
    cluster.createService("default", "plain", b -> b.editSpec().withType("ClusterIP").endSpec());
    cluster.createService("default", "marker", b -> b);
    cluster.awaitIps("default", "marker");
    assertEquals(List.of(), cluster.ips("default", "classy"));
    assertEquals(List.of(), cluster.ips("default", "plain"));
  }

  @Test
  void clearsTheStatusWhenTheTypeChangesAndReusesTheIpAfterDeletion() {
    cluster.createService("default", "a", b -> b);
    cluster.createService("default", "b", b -> b);
    assertEquals(List.of("192.168.1.240"), cluster.awaitIps("default", "a"));
    assertEquals(List.of("192.168.1.241"), cluster.awaitIps("default", "b"));
    client
        .services()
        .inNamespace("default")
        .withName("a")
        .edit(
            s -> {
              s.getSpec().setType("NodePort");
              return s;
            });
    await(() -> cluster.ips("default", "a").isEmpty(), "a's status to be cleared");
    cluster.awaitEvent("default", "a", "Normal IPReleased");
    client.services().inNamespace("default").withName("b").delete();
    cluster.createService("default", "c", b -> b);
    assertEquals(List.of("192.168.1.240"), cluster.awaitIps("default", "c"));
    cluster.createService("default", "d", b -> b);
    assertEquals(List.of("192.168.1.241"), cluster.awaitIps("default", "d"));
  }

  @Test
  void keepsTheLastGoodConfigurationWhenANewOneIsInvalid() {
    cluster.createService("default", "a", b -> b);
    cluster.awaitIps("default", "a");
    cluster.pools("pools { default { addresses = [\"192.168.1.250-192.168.1.240\"] } }");
    String event = cluster.awaitEvent(MockCluster.NS, MockCluster.CM, "Warning ConfigInvalid");
    assertTrue(
        event.contains(
            "pools.default.addresses[0]: 192.168.1.250-192.168.1.240: range start is after its end"),
        event);
    cluster.createService("default", "b", b -> b);
    assertEquals(List.of("192.168.1.241"), cluster.awaitIps("default", "b"));
    assertEquals(List.of("192.168.1.240"), cluster.ips("default", "a"));
  }

  @Test
  void movesOnlyTheServiceWhoseIpLeftThePoolWithAWarning() {
    cluster.createService("default", "a", b -> b);
    cluster.awaitIps("default", "a");
    cluster.createService("default", "b", b -> b);
    cluster.awaitIps("default", "b");
    cluster.pools(POOLS.replace("192.168.1.240-192.168.1.250", "192.168.1.241-192.168.1.250"));
    await(() -> cluster.ips("default", "a").equals(List.of("192.168.1.242")), "a to move");
    assertEquals(
        "Warning IPReleased: Released 192.168.1.240: the pool configuration no longer offers it to this Service",
        cluster.awaitEvent("default", "a", "Warning IPReleased"));
    assertEquals(List.of("192.168.1.241"), cluster.ips("default", "b"));
  }

  @Test
  void refusesAPoolOfAnotherNamespaceEvenOnRequest() {
    cluster.pools(
        POOLS + "\npools.shop { addresses = [\"192.168.3.1-192.168.3.5\"], namespaces = [shop] }");
    cluster.awaitEvent(MockCluster.NS, MockCluster.CM, "Normal ConfigLoaded: Loaded 4");
    cluster.createService(
        "default",
        "thief",
        b ->
            b.editMetadata()
                .addToAnnotations("heraldlb.io/loadBalancerIPs", "192.168.3.1")
                .endMetadata());
    assertEquals(
        "Warning AllocationFailed: requested IP 192.168.3.1 is in pool 'shop', which this Service may not use: it is limited to namespaces [shop]",
        cluster.awaitEvent("default", "thief", "Warning AllocationFailed"));
    cluster.createService(
        "shop",
        "cart",
        b -> b.editMetadata().addToAnnotations("heraldlb.io/address-pool", "shop").endMetadata());
    assertEquals(List.of("192.168.3.1"), cluster.awaitIps("shop", "cart"));
  }

  @Test
  void writesNothingForAServiceThatAlreadyShowsItsIp() {
    cluster.createService("default", "a", b -> b);
    cluster.awaitIps("default", "a");
    // The status write leaves an empty annotation map; wait for the pool annotation itself.
    await(
        () ->
            "default"
                .equals(
                    cluster
                        .service("default", "a")
                        .getMetadata()
                        .getAnnotations()
                        .get(ServiceFacts.ALLOCATED_FROM)),
        "the pool annotation");
    String version = cluster.service("default", "a").getMetadata().getResourceVersion();
    cluster.createService("default", "marker", b -> b);
    cluster.awaitIps("default", "marker");
    assertEquals(version, cluster.service("default", "a").getMetadata().getResourceVersion());
  }
}
