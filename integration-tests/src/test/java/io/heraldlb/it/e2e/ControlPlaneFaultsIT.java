package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.heraldlb.it.lab.AuditLog;
import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.ControlPlane;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabApi;
import io.heraldlb.it.lab.LabClient;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What the real control plane does to HeraldLB that no mock can: the API server gone for two
 * minutes, etcd restarted under it, every watch expired (410 Gone), and another LoadBalancer
 * controller writing the status of its own Services beside HeraldLB. Through all of it the LAN
 * keeps reaching what it reached, and no Service changes IP.
 */
@LabTest(nodes = 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneFaultsIT {
  private static final String NS = "faults";
  private static final Duration OUTAGE = Duration.ofMinutes(2);
  private static final String RIVAL_CLASS = "example.com/rival";
  private static final Duration KUBE_RESYNC = Duration.ofSeconds(90);

  /**
   * How long upstream's own informers may take to watch again after an outage. client-go's
   * reflector backs off up to 30 s with as much jitter again (60 s), and a just-restarted API
   * server can refuse the first retry until its authorizer's caches sync, which costs one more
   * backoff: kube-controller-manager (the EndpointSlice) and kube-proxy (the rules) may each need
   * two. The third outage of this class, with the backoff already at its cap, once took over 90 s
   * here.
   */
  private static final Duration UPSTREAM_RESYNC = Duration.ofSeconds(180);

  private static Lab lab;
  private static Cluster cluster;
  private static Traffic traffic;
  private static HeraldLb heraldlb;
  private static ControlPlane plane;
  private static String ip;

  @BeforeAll
  static void install(Lab theLab) {
    lab = theLab;
    plane = lab.controlPlane();
    cluster = new Cluster(lab);
    traffic = new Traffic(lab);
    List.of(NS, "rival").forEach(cluster::createNamespace);
    cluster.applyPools("pools { default { addresses = [\"192.168.1.240-192.168.1.250\"] } }");
    heraldlb = HeraldLb.install(lab);
    cluster.create(Cluster.loadBalancer(NS, "steady", 80).build());
    ip = Cluster.ip(cluster.awaitIp(NS, "steady"));
  }

  @AfterEach
  void allRunning() {
    heraldlb.restartAllocatorIfExited();
    heraldlb.assertAllRunning();
  }

  @Test
  @Order(1)
  void withTheApiServerGoneForTwoMinutesTheLanStillReachesTheServiceAndBothProgramsResyncAfter() {
    LabNode announcer = traffic.announcer(ip);
    traffic.curl(ip, 80);
    Map<String, String> before = ipsAndPools();

    plane.stopApiServer();
    Instant end = Instant.now().plus(OUTAGE);
    int probes = 0;
    List<String> misses = new ArrayList<>();
    while (Instant.now().isBefore(end)) {
      probes++;
      LabClient.Arping arping = lab.client().arpingBroadcast(ip, 1, Duration.ofSeconds(1));
      if (!arping.macs().equals(List.of(announcer.mac()))) {
        misses.add(Instant.now() + " ARP: " + arping.macs());
      }
      Optional<LabNode> entry = lab.entryNode(ip, 80);
      if (!entry.equals(Optional.of(announcer))) {
        misses.add(Instant.now() + " HTTP: " + entry);
      }
      heraldlb.assertSpeakersRunning();
      Await.pause(Duration.ofSeconds(1));
    }
    plane.startApiServer(true);
    // The allocator cannot renew its Lease without the API server and exits by design (its
    // Deployment restarts it, and it rebuilds its state from the API): do what the kubelet does.
    boolean allocatorExited = heraldlb.restartAllocatorIfExited();
    System.out.printf(
        "API server down %d s: %d ARP and HTTP probes of %s, misses %s; allocator %s%n",
        OUTAGE.toSeconds(),
        probes,
        ip,
        misses,
        allocatorExited ? "exited (lost its Lease) and was restarted" : "kept running");
    assertEquals(List.of(), misses, "what the LAN saw while the API server was down");
    if (allocatorExited) {
      heraldlb.allocator().awaitLog("leads: allocating", Cluster.TIMEOUT);
    }

    assertResynced("after-outage", before);
  }

  @Test
  @Order(2)
  void etcdRestartedUnderTheApiServerChangesNoIpAndLaterChangesAreSeen() {
    Map<String, String> before = ipsAndPools();
    plane.restartEtcd();
    assertResynced("after-etcd", before);
  }

  @Test
  @Order(3)
  void watchesThatExpireWhileTheApiServerIsDownAreListedAgainAndLaterChangesAreSeen() {
    Map<String, String> before = ipsAndPools();
    Instant stopped = Instant.now();
    plane.stopApiServer();
    plane.expireEveryWatch();
    plane.startApiServer(true);

    for (String account : List.of(LabApi.ALLOCATOR_ACCOUNT, LabApi.SPEAKER_ACCOUNT)) {
      String user = "system:serviceaccount:" + LabApi.HERALDLB_NAMESPACE + ":" + account;
      Await.until(
          account + " to list Services again (its watch got 410 Gone)",
          Cluster.TIMEOUT,
          Duration.ofMillis(500),
          () ->
              AuditLog.read(plane.auditLog()).stream()
                  .anyMatch(
                      r ->
                          r.user().equals(user)
                              && r.verb().equals("list")
                              && r.resource().equals("services")
                              && r.received().isAfter(stopped)));
    }
    assertResynced("after-expiry", before);
  }

  @Test
  @Order(4)
  void aServiceOfAnotherLoadBalancerClassKeepsTheStatusItsOwnControllerWrites() {
    Service created =
        cluster.create(
            Cluster.loadBalancer("rival", "theirs", 80)
                .editSpec()
                .withLoadBalancerClass(RIVAL_CLASS)
                .endSpec()
                .build());
    // What the other controller writes: its own address, through the status subresource.
    String theirIp = "192.168.1.245";
    created.setStatus(
        new ServiceStatusBuilder()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp(theirIp)
            .withIpMode("Proxy")
            .endIngress()
            .endLoadBalancer()
            .build());
    Service written = cluster.kube().services().resource(created).updateStatus();
    String rv = written.getMetadata().getResourceVersion();

    // A change HeraldLB sees: a Service of its own, created after, must still get an IP; then
    // give the other Service time to be (wrongly) touched.
    cluster.create(Cluster.loadBalancer(NS, "ours", 80).build());
    cluster.awaitIp(NS, "ours");
    Await.pause(Duration.ofSeconds(3));

    Service now = cluster.get("rival", "theirs");
    assertEquals(rv, now.getMetadata().getResourceVersion(), "nobody wrote to it");
    assertEquals(List.of(theirIp), io.heraldlb.it.lab.ServiceTable.ingressIps(now));
    List<Event> events = cluster.events("rival", "theirs");
    assertEquals(List.of(), events, "HeraldLB says nothing about a Service it does not own");
    traffic.awaitNoAnnouncer(theirIp);
  }

  private static List<String> names(List<? extends io.fabric8.kubernetes.api.model.HasMetadata> l) {
    return l.stream().map(o -> o.getMetadata().getName()).toList();
  }

  /** The Services' IPs and pools, without resourceVersions (a resync may rewrite as is). */
  private static Map<String, String> ipsAndPools() {
    Map<String, String> out = new java.util.TreeMap<>();
    cluster
        .snapshot(NS)
        .forEach((name, line) -> out.put(name, line.substring(line.indexOf(" ips=") + 1)));
    return out;
  }

  /** No Service changed IP, a new one gets an IP, is announced, and is reached. */
  private static void assertResynced(String name, Map<String, String> before) {
    if (heraldlb.restartAllocatorIfExited()) {
      System.out.println("the allocator had lost its Lease and exited; restarted");
    }
    cluster.create(Cluster.loadBalancer(NS, name, 80).build());
    String newIp = Cluster.ip(cluster.awaitIp(NS, name));
    // The speakers' watches come back on the client's reconnect backoff (fabric8's grows to 32 s
    // over a long outage), and a just-restarted API server refuses them until its RBAC caches
    // sync: the new address can wait that long for its announcer.
    LabNode announcer =
        Await.value(
            "one node to answer ARP for " + newIp,
            KUBE_RESYNC,
            Duration.ofMillis(500),
            () -> {
              List<String> macs =
                  lab.client().arpingBroadcast(newIp, 1, Duration.ofSeconds(1)).distinctMacs();
              return macs.size() == 1 ? lab.nodeByMac(macs.get(0)) : Optional.empty();
            });
    assertEquals(announcer, traffic.announcer(newIp));
    long start = System.nanoTime();
    try {
      // Through kube-proxy, to Pods the EndpointSlice controller lists: see UPSTREAM_RESYNC.
      assertEquals(announcer.name(), traffic.curl(newIp, 80, UPSTREAM_RESYNC));
      System.out.printf(
          "%s: %s reached through kube-proxy %d ms after it was announced%n",
          name, newIp, (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException | AssertionError e) {
      System.out.println("pods: " + names(cluster.kube().pods().inNamespace(NS).list().getItems()));
      System.out.println(
          "slices: "
              + cluster.kube().discovery().v1().endpointSlices().inNamespace(NS).list().getItems());
      System.out.println("kube-proxy on " + announcer.name() + ":\n" + lab.proxyRules(announcer));
      throw e;
    }
    Map<String, String> after = ipsAndPools();
    after.remove(NS + "/" + name);
    assertEquals(before, after, "IPs and pools of the Services that were there");
    assertTrue(heraldlb.speakers().stream().allMatch(p -> p.isAlive()));
  }
}
