package io.heraldlb.allocator;

import static io.heraldlb.allocator.MockCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.heraldlb.allocator.ipam.ServiceKey;
import io.heraldlb.kube.EventWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seams of a leader handover: nothing written outside the Lease, nothing lost across it. */
@EnableKubernetesMockClient(crud = true, https = false)
class LeaseHandoverTest {
  KubernetesClient client;
  MockCluster cluster;

  @BeforeEach
  void pools() {
    cluster = new MockCluster(client);
    cluster.pools("pools { default { addresses = [\"10.0.0.1-10.0.0.20\"] } }");
  }

  @AfterEach
  void stop() {
    cluster.closeAll();
  }

  @Test
  void aStoppingLeaderGivesUpTheLeaseOnlyAfterItsWriteInFlightEnds() throws Exception {
    Allocator a = cluster.startAllocator("a");
    await(a::seeded, "a to lead");
    CountDownLatch inFlight = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    a.writes()
        .execute(
            WriteQueue.Priority.STATUS,
            () -> {
              inFlight.countDown();
              awaitUninterruptibly(finish);
            });
    assertTrue(inFlight.await(5, TimeUnit.SECONDS));

    Thread stopping = new Thread(a::close);
    stopping.start();
    Thread.sleep(1000);
    assertEquals("a", lease().getSpec().getHolderIdentity());
    assertEquals(2, lease().getSpec().getLeaseDurationSeconds(), "released during a write");
    finish.countDown();
    stopping.join(10_000);
    // The elector releases by a renewal of one second with no holder.
    Lease released = lease();
    assertTrue(
        released.getSpec().getHolderIdentity() == null
            || released.getSpec().getLeaseDurationSeconds() == 1,
        "released once drained: " + released.getSpec());
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    while (true) {
      try {
        latch.await();
        return;
      } catch (InterruptedException e) {
        // a write in flight is not stopped by an interrupt either
      }
    }
  }

  @Test
  void aWriteWhoseTurnComesAfterTheLeaseLapsedIsNotSent() throws Exception {
    AtomicBoolean holds = new AtomicBoolean(true);
    AtomicBoolean ran = new AtomicBoolean();
    try (WriteQueue writes = new WriteQueue(1, holds::get)) {
      holds.set(false);
      writes.execute(WriteQueue.Priority.STATUS, () -> ran.set(true));
      assertTrue(writes.drain(Duration.ofSeconds(5)));
    }
    assertEquals(false, ran.get());
  }

  @Test
  void aWriteHeldByTheFenceGoesOutOnceTheLeaseIsRenewed() throws Exception {
    // A renewal answered late closes the fence for a moment while this replica goes on leading:
    // a write dropped then would never be sent again, and its Service would stay pending.
    AtomicBoolean holds = new AtomicBoolean(false);
    java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(2);
    try (WriteQueue writes = new WriteQueue(2, holds::get)) {
      writes.execute(WriteQueue.Priority.STATUS, ran::countDown);
      writes.execute(WriteQueue.Priority.STATUS, ran::countDown);
      Thread.sleep(5 * WriteQueue.FENCE_POLL.toMillis());
      assertEquals(2, ran.getCount(), "nothing is written while the fence is closed");
      holds.set(true);
      assertTrue(ran.await(5, java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(0, writes.fencedWrites());
      assertEquals(2, writes.heldWrites());
    }
  }

  @Test
  void aNewLeaderLoadsAssignmentsFromTheApiNotFromACacheThatLagsBehindIt() throws Exception {
    // The previous leader gave b-old 10.0.0.1; this replica's watch has not delivered that write
    // yet, and a-new arrived meanwhile (it sorts first).
    Service old = cluster.createService("default", "b-old", b -> b);
    old.setStatus(
        new io.fabric8.kubernetes.api.model.ServiceStatusBuilder()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("10.0.0.1")
            .withIpMode("VIP")
            .endIngress()
            .endLoadBalancer()
            .build());
    client.services().resource(old).updateStatus();
    Service fresh = cluster.createService("default", "a-new", b -> b);
    Map<ServiceKey, Service> lagging = new HashMap<>();
    lagging.put(ServiceFacts.key(fresh), fresh);
    lagging.put(ServiceFacts.key(old), withoutStatus(old));

    WorkQueue<WorkKey> queue = new WorkQueue<>(java.time.Clock.systemUTC());
    AllocatorMetrics metrics = new AllocatorMetrics(queue::depth);
    try (WriteQueue writes = new WriteQueue(2, () -> true)) {
      ControllerLoop loop =
          new ControllerLoop(
              queue, new WorkQueue.Backoff(Duration.ofMillis(50), Duration.ofSeconds(1)), metrics);
      StatusWriter writer = new StatusWriter(client, writes, loop::writeDone);
      Reconciler reconciler =
          new Reconciler(
              new LaggingCache(lagging),
              queue::add,
              writer,
              new EventWriter(
                  client,
                  task -> writes.execute(WriteQueue.Priority.EVENT, task),
                  java.time.Clock.systemUTC(),
                  "allocator",
                  "test",
                  null),
              metrics,
              "",
              "heraldlb-system/heraldlb-config",
              "");
      loop.reconcilingWith(reconciler, writer::busy);
      Thread worker = new Thread(loop);
      worker.start();
      try {
        await(() -> !cluster.ips("default", "a-new").isEmpty(), "an IP for a-new");
      } finally {
        worker.interrupt();
        worker.join();
      }
    }
    assertEquals(List.of("10.0.0.2"), cluster.ips("default", "a-new"));
    assertEquals(List.of("10.0.0.1"), cluster.ips("default", "b-old"), "b-old keeps its IP");
  }

  private static Service withoutStatus(Service s) {
    return new ServiceBuilder(s)
        .withMetadata(new ObjectMetaBuilder(s.getMetadata()).withResourceVersion("1").build())
        .withStatus(null)
        .build();
  }

  private Lease lease() {
    return client.leases().inNamespace(MockCluster.NS).withName(Allocator.LEASE).get();
  }

  /** An informer cache that has not seen the last status write; the API has. */
  private final class LaggingCache implements Reconciler.Cache {
    private final Map<ServiceKey, Service> services;

    LaggingCache(Map<ServiceKey, Service> services) {
      this.services = services;
    }

    @Override
    public Service service(ServiceKey key) {
      return services.get(key);
    }

    @Override
    public List<Service> services() {
      return List.copyOf(services.values());
    }

    @Override
    public List<Service> servicesFromApi() {
      return client.services().inAnyNamespace().list().getItems();
    }

    @Override
    public ConfigMap configMap() {
      return client.configMaps().inNamespace(MockCluster.NS).withName(MockCluster.CM).get();
    }

    @Override
    public Map<String, String> namespaceLabels(String name) {
      return Map.of();
    }
  }
}
