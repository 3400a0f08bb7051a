package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabApi;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabTest;
import io.heraldlb.it.lab.Metrics;
import io.heraldlb.it.lab.Programs;
import io.heraldlb.it.lab.ServiceTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a user does with Services and the pool ConfigMap, on one lab with the allocator and three
 * speakers: scenarios 1 (the walkthrough), 2 (legacy ConfigMap), 3 (ports, sharing, requests and a
 * refusal), 7 (invalid ConfigMap) and 8 (pool shrunk). Each test applies the ConfigMap it needs,
 * uses its own namespace and deletes its Services when done.
 */
@LabTest(nodes = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServicesIT {
  private static final String SYSTEM = LabApi.HERALDLB_NAMESPACE;
  private static final String DEFAULT_POOL =
      "pools { default { addresses = [\"192.168.1.240-192.168.1.250\"] } }";
  private static final List<String> NAMESPACES =
      List.of("default", "legacy", "shop", "config", "shrink");

  private static Lab lab;
  private static Cluster cluster;
  private static Traffic traffic;
  private static HeraldLb heraldlb;

  @BeforeAll
  static void install(Lab theLab) {
    lab = theLab;
    cluster = new Cluster(lab);
    traffic = new Traffic(lab);
    NAMESPACES.forEach(cluster::createNamespace);
    heraldlb = HeraldLb.install(lab);
  }

  @AfterEach
  void deleteServices() {
    heraldlb.assertAllRunning();
    cluster.deleteServices(NAMESPACES.toArray(String[]::new));
  }

  @Test
  @Order(1)
  void theWalkthroughGivesTheServiceAnIpFromThePoolThatTheClientReaches() {
    cluster.manifests().applyDirectory(Programs.repositoryRoot().resolve("deploy/examples"));

    Service web = cluster.awaitIp("default", "web");
    System.out.print(ServiceTable.format(List.of(web)));

    assertEquals("192.168.1.240", Cluster.ip(web), "the lowest address of the example pool");
    assertEquals("default", Cluster.pool(web));
    assertEquals("VIP", web.getStatus().getLoadBalancer().getIngress().get(0).getIpMode());
    Event allocated = cluster.awaitEvent("default", "web", "IPAllocated");
    assertEquals("Assigned IP 192.168.1.240 from pool default", allocated.getMessage());

    String answeredBy = traffic.curl("192.168.1.240", 80);
    LabNode announcer = traffic.announcer("192.168.1.240");
    assertEquals(announcer.name(), answeredBy, "the announcing node's backend answers");
    assertEquals(Optional.of(announcer), traffic.neighbour("192.168.1.240"));
  }

  @Test
  @Order(2)
  void aLegacyConfigMapUnderTheConfigKeyWorksTheSameWay() {
    Set<String> before = cluster.eventNames(SYSTEM, Cluster.CONFIG_MAP);
    cluster.applyLegacyPools(
        """
        address-pools:
        - name: legacy
          protocol: layer2
          addresses:
          - 192.168.2.10-192.168.2.20
        """);
    Event loaded = cluster.awaitEvent(SYSTEM, Cluster.CONFIG_MAP, "ConfigLoaded", before);
    assertEquals("Loaded 1 pool(s) from 'config': legacy", loaded.getMessage());

    cluster.create(Cluster.loadBalancer("legacy", "web", 80).build());
    Service web = cluster.awaitIp("legacy", "web");

    assertEquals("192.168.2.10", Cluster.ip(web));
    assertEquals("legacy", Cluster.pool(web));
    LabNode announcer = traffic.announcer("192.168.2.10");
    assertEquals(announcer.name(), traffic.curl("192.168.2.10", 80));
  }

  @Test
  @Order(3)
  void multiPortSharedAndRequestedIpsWorkAndARefusedRequestChangesNothingElse() {
    cluster.applyPools(DEFAULT_POOL);
    Service multi = create(Cluster.loadBalancer("shop", "multi", 80, 8080).build());
    Service http = create(shared("front-http", 80));
    Service alt = create(shared("front-alt", 8080));
    Service pinned =
        create(
            Cluster.loadBalancer("shop", "pinned", 80)
                .editMetadata()
                .addToAnnotations(Cluster.REQUESTED_IPS, "192.168.1.250")
                .endMetadata()
                .build());

    assertEquals("192.168.1.240", Cluster.ip(multi));
    assertEquals("192.168.1.241", Cluster.ip(http), "the first of the sharing pair");
    assertEquals(Cluster.ip(http), Cluster.ip(alt), "one IP for the same sharing key");
    assertEquals("192.168.1.250", Cluster.ip(pinned), "the requested IP");

    lab.awaitApiQuiet(Duration.ofMillis(500), Cluster.TIMEOUT);
    Map<String, String> services = cluster.snapshot("shop");
    Map<String, Set<String>> events =
        Map.of(
            "multi", cluster.eventNames("shop", "multi"),
            "front-http", cluster.eventNames("shop", "front-http"),
            "front-alt", cluster.eventNames("shop", "front-alt"),
            "pinned", cluster.eventNames("shop", "pinned"));

    cluster.create(
        Cluster.loadBalancer("shop", "squatter", 9090)
            .editMetadata()
            .addToAnnotations(Cluster.REQUESTED_IPS, "192.168.1.250")
            .endMetadata()
            .build());
    Event refused = cluster.awaitEvent("shop", "squatter", "AllocationFailed");

    assertEquals("Warning", refused.getType());
    assertTrue(refused.getMessage().contains("192.168.1.250"), refused.getMessage());
    lab.awaitApiQuiet(Duration.ofMillis(500), Cluster.TIMEOUT);
    assertEquals(List.of(), ServiceTable.ingressIps(cluster.get("shop", "squatter")));
    Map<String, String> after = cluster.snapshot("shop");
    after.remove("shop/squatter");
    assertEquals(services, after, "no other Service was written to");
    events.forEach(
        (name, names) ->
            assertEquals(names, cluster.eventNames("shop", name), "events of " + name));

    LabNode node = traffic.announcer("192.168.1.240");
    assertEquals(node.name(), traffic.curl("192.168.1.240", 80));
    assertEquals(node.name(), traffic.curl("192.168.1.240", 8080));
    LabNode sharedNode = traffic.announcer("192.168.1.241");
    assertEquals(sharedNode.name(), traffic.curl("192.168.1.241", 80));
    assertEquals(sharedNode.name(), traffic.curl("192.168.1.241", 8080));
    assertEquals(traffic.announcer("192.168.1.250").name(), traffic.curl("192.168.1.250", 80));
  }

  @Test
  @Order(7)
  void anInvalidConfigMapChangesNothingAndTheFixedOneIsPickedUp() {
    cluster.applyPools(DEFAULT_POOL);
    Service one = create(Cluster.loadBalancer("config", "one", 80).build());
    Service two = create(Cluster.loadBalancer("config", "two", 80).build());
    lab.awaitApiQuiet(Duration.ofMillis(500), Cluster.TIMEOUT);
    Map<String, String> services = cluster.snapshot("config");
    Set<String> configEvents = cluster.eventNames(SYSTEM, Cluster.CONFIG_MAP);

    cluster.applyPools(
        """
        pools {
          default { addresses = ["192.168.1.240-192.168.1.250"] }
          broken { addresses = ["192.168.1.300"] }
        }
        """);
    Event invalid = cluster.awaitEvent(SYSTEM, Cluster.CONFIG_MAP, "ConfigInvalid", configEvents);

    assertEquals("Warning", invalid.getType());
    assertTrue(invalid.getMessage().contains("pools.broken.addresses[0]"), invalid.getMessage());
    assertEquals(1.0, allocatorMetric("heraldlb_config_stale"), "the stale-config gauge");
    lab.awaitApiQuiet(Duration.ofMillis(500), Cluster.TIMEOUT);
    assertEquals(services, cluster.snapshot("config"), "no Service was written to");
    assertEquals(traffic.announcer(Cluster.ip(one)).name(), traffic.curl(Cluster.ip(one), 80));
    assertEquals(traffic.announcer(Cluster.ip(two)).name(), traffic.curl(Cluster.ip(two), 80));

    configEvents = cluster.eventNames(SYSTEM, Cluster.CONFIG_MAP);
    cluster.applyPools(
        """
        pools {
          default { addresses = ["192.168.1.240-192.168.1.250"] }
          extra { addresses = ["192.168.5.10-192.168.5.12"], auto-assign = false }
        }
        """);
    Event loaded = cluster.awaitEvent(SYSTEM, Cluster.CONFIG_MAP, "ConfigLoaded", configEvents);
    assertEquals("Loaded 2 pool(s) from 'pools.conf': default, extra", loaded.getMessage());
    Service third =
        create(
            Cluster.loadBalancer("config", "three", 80)
                .editMetadata()
                .addToAnnotations(Cluster.POOL_REQUEST, "extra")
                .endMetadata()
                .build());

    assertEquals("192.168.5.10", Cluster.ip(third));
    assertEquals(0.0, allocatorMetric("heraldlb_config_stale"));
    assertEquals(traffic.announcer("192.168.5.10").name(), traffic.curl("192.168.5.10", 80));
    lab.awaitApiQuiet(Duration.ofMillis(500), Cluster.TIMEOUT);
    Map<String, String> now = cluster.snapshot("config");
    now.remove("config/three");
    assertEquals(services, now, "the first two Services were not written to");
  }

  @Test
  @Order(8)
  void aPoolShrunkUnderAnInUseIpMovesThatServiceWithAWarningAndLeavesTheRest() {
    cluster.applyPools(DEFAULT_POOL);
    Service a = create(Cluster.loadBalancer("shrink", "a", 80).build());
    Service b = create(Cluster.loadBalancer("shrink", "b", 80).build());
    Service c = create(Cluster.loadBalancer("shrink", "c", 80).build());
    assertEquals(
        List.of("192.168.1.240", "192.168.1.241", "192.168.1.242"),
        List.of(Cluster.ip(a), Cluster.ip(b), Cluster.ip(c)));
    lab.awaitApiQuiet(Duration.ofMillis(500), Cluster.TIMEOUT);
    Map<String, String> before = cluster.snapshot("shrink");
    Set<String> bEvents = cluster.eventNames("shrink", "b");

    cluster.applyPools(
        "pools { default { addresses = [\"192.168.1.240/32\", \"192.168.1.242-192.168.1.250\"] }"
            + " }");
    Service moved = cluster.awaitIp("shrink", "b", "192.168.1.243");
    Event released = cluster.awaitEvent("shrink", "b", "IPReleased", bEvents);

    assertEquals("Warning", released.getType());
    assertTrue(released.getMessage().contains("192.168.1.241"), released.getMessage());
    assertEquals("default", Cluster.pool(moved));
    lab.awaitApiQuiet(Duration.ofMillis(500), Cluster.TIMEOUT);
    Map<String, String> after = cluster.snapshot("shrink");
    assertEquals(before.get("shrink/a"), after.get("shrink/a"), "a untouched");
    assertEquals(before.get("shrink/c"), after.get("shrink/c"), "c untouched");
    assertEquals(traffic.announcer("192.168.1.243").name(), traffic.curl("192.168.1.243", 80));
    traffic.awaitNoAnnouncer("192.168.1.241");
  }

  private static Service shared(String name, int port) {
    return Cluster.loadBalancer("shop", name, port)
        .editMetadata()
        .addToAnnotations(Cluster.SHARED_IP, "front")
        .endMetadata()
        .build();
  }

  /** Creates a Service and waits for its IP: Services created one by one get IPs in order. */
  private static Service create(Service service) {
    cluster.create(service);
    return cluster.awaitIp(service.getMetadata().getNamespace(), service.getMetadata().getName());
  }

  private static double allocatorMetric(String name) {
    return Metrics.scrape(lab.node(1), 7472).sum(name);
  }
}
