package io.heraldlb.allocator;

import static io.heraldlb.allocator.MockCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.heraldlb.kube.LoadBalancerServices;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class AllocatorRestartTest {
  KubernetesClient client;
  MockCluster cluster;

  @AfterEach
  void stop() {
    cluster.closeAll();
  }

  private Map<String, List<String>> allIps() {
    Map<String, List<String>> out = new HashMap<>();
    for (Service s : client.services().inAnyNamespace().list().getItems()) {
      List<String> ips = LoadBalancerServices.ingressIps(s).stream().map(Object::toString).toList();
      if (!ips.isEmpty()) {
        out.put(s.getMetadata().getName(), ips);
      }
    }
    return out;
  }

  /** Fails if any IP shows on two Services (none of these share). */
  private static void assertNoDuplicates(Map<String, List<String>> ips) {
    Map<String, String> owner = new HashMap<>();
    ips.forEach(
        (svc, list) ->
            list.forEach(
                ip -> {
                  String other = owner.put(ip, svc);
                  assertTrue(other == null, ip + " is on both " + other + " and " + svc);
                }));
  }

  @Test
  void keepsEveryIpAcrossARestartAndAllocatesAroundThem() throws Exception {
    cluster = new MockCluster(client);
    cluster.pools("pools { default { addresses = [\"10.0.0.1-10.0.0.20\"] } }");
    Allocator first = cluster.startAllocator("first");
    for (int i = 0; i < 6; i++) {
      cluster.createService("default", "s" + i, b -> b);
    }
    await(() -> allIps().size() == 6, "six IPs");
    client.services().inNamespace("default").withName("s0").delete();
    client.services().inNamespace("default").withName("s3").delete();
    await(() -> allIps().size() == 4, "two released");
    Map<String, List<String>> before = allIps();
    first.close();
    // While no allocator runs, new Services arrive; the restarted one must not hand them an IP
    // that an existing Service shows, even though .1 and .4 are free and lowest.
    cluster.createService("default", "late1", b -> b);
    cluster.createService("default", "late2", b -> b);
    cluster.createService("default", "late3", b -> b);
    cluster.startAllocator("second");
    await(() -> allIps().size() == 7, "seven IPs");
    Map<String, List<String>> after = allIps();
    before.forEach((svc, ips) -> assertEquals(ips, after.get(svc), svc + " changed its IP"));
    assertNoDuplicates(after);
    assertEquals(List.of("10.0.0.1"), after.get("late1"));
    assertEquals(List.of("10.0.0.4"), after.get("late2"));
    assertEquals(List.of("10.0.0.7"), after.get("late3"));
  }

  @Test
  void aMalformedAnnotationAddedWhileTheAllocatorIsDownMovesNoSharedIp() throws Exception {
    cluster = new MockCluster(client);
    cluster.pools("pools { default { addresses = [\"10.0.0.1-10.0.0.20\"] } }");
    Allocator first = cluster.startAllocator("first");
    cluster.createService("default", "filler", b -> b);
    await(() -> allIps().size() == 1, "the filler's IP");
    for (String name : List.of("http", "dns")) {
      cluster.createService(
          "default",
          name,
          b ->
              b.editMetadata()
                  .addToAnnotations("heraldlb.io/allow-shared-ip", "front")
                  .endMetadata()
                  .editSpec()
                  .editFirstPort()
                  .withPort(name.equals("http") ? 80 : 53)
                  .endPort()
                  .endSpec());
    }
    await(() -> allIps().size() == 3, "both shared Services' IP");
    Map<String, List<String>> before = allIps();
    assertEquals(before.get("http"), before.get("dns"), "they share");
    first.close();
    // A typo on the older of the two, while no allocator runs.
    client
        .services()
        .inNamespace("default")
        .withName("http")
        .edit(
            s -> {
              s.getMetadata().getAnnotations().put("heraldlb.io/loadBalancerIPs", "10.0.0.x");
              return s;
            });
    cluster.startAllocator("second");
    cluster.awaitEvent("default", "http", "Warning AllocationFailed");
    cluster.createService("default", "late", b -> b);
    await(() -> allIps().size() == 4, "the late Service's IP");
    Map<String, List<String>> after = allIps();
    before.forEach((svc, ips) -> assertEquals(ips, after.get(svc), svc + " changed its IP"));
  }

  @Test
  void neverProducesADuplicateIpWhileTwoReplicasHandOverTheLease() throws Exception {
    cluster = new MockCluster(client);
    cluster.pools("pools { default { addresses = [\"10.0.0.1-10.0.0.200\"] } }");
    Allocator[] replicas = {cluster.startAllocator("a"), cluster.startAllocator("b")};
    AtomicReference<AssertionError> violation = new AtomicReference<>();
    Map<String, List<String>> firstSeen = new java.util.concurrent.ConcurrentHashMap<>();
    Thread watcher =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  Map<String, List<String>> now = allIps();
                  assertNoDuplicates(now);
                  now.forEach(
                      (svc, ips) -> {
                        List<String> earlier = firstSeen.putIfAbsent(svc, ips);
                        assertTrue(
                            earlier == null || earlier.equals(ips),
                            svc + " changed " + earlier + " -> " + ips);
                      });
                } catch (AssertionError e) {
                  violation.compareAndSet(null, e);
                } catch (RuntimeException e) {
                  // the mock server was busy; look again
                }
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    watcher.start();
    try {
      for (int round = 0; round < 4; round++) {
        await(() -> replicas[0].leading() || replicas[1].leading(), "a leader");
        int leader = replicas[0].leading() ? 0 : 1;
        for (int i = 0; i < 5; i++) {
          cluster.createService("default", "r" + round + "-" + i, x -> x);
          if (i == 2) {
            // The leader goes away mid-stream (its Lease is released); the standby takes over
            // from warm caches while Services keep arriving. Its informers stay open: the mock
            // API server stalls for 30 s when a watch closes while it sends an event.
            replicas[leader].resign();
            replicas[leader] = cluster.startAllocator("n" + round);
          }
        }
        client.services().inNamespace("default").withName("r" + round + "-0").delete();
      }
      await(() -> allIps().size() == 16, "16 Services with IPs (have " + allIps().size() + ")");
      assertEquals(4, cluster.lostLeases.size(), "each resigned leader stops");
    } finally {
      watcher.interrupt();
      watcher.join();
    }
    if (violation.get() != null) {
      throw violation.get();
    }
    assertNoDuplicates(allIps());
  }
}
