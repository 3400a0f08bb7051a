package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.LabTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 6: allocator restarts and a leader killed among two replicas while Services are created
 * and deleted. An {@link IpWatch} checks every change the API makes: no Service ever changes or
 * loses its IP, and no IP is ever on two Services.
 *
 * <p>Runs on the real control plane: the Lease, its resourceVersion checks and the status
 * subresource are the API server's own. Services keep coming and going right after each stop, while
 * no allocator leads and while the next one starts.
 */
@LabTest(nodes = 1)
class AllocatorHandoverIT {
  /** A standby takes over a dead leader's Lease after lease-duration: short, but not flaky. */
  private static final List<String> SHORT_LEASE =
      List.of(
          "-Dheraldlb.allocator.lease-duration=4s",
          "-Dheraldlb.allocator.renew-deadline=3s",
          "-Dheraldlb.allocator.retry-period=250ms");

  private static Lab lab;
  private static Cluster cluster;

  @BeforeAll
  static void pools(Lab theLab) {
    lab = theLab;
    cluster = new Cluster(lab);
    cluster.applyPools("pools { churn { addresses = [\"192.168.7.0/24\"] } }");
  }

  @Test
  void restartingTheAllocatorWhileServicesComeAndGoChangesNoIp() {
    cluster.createNamespace("restart");
    try (IpWatch watch = new IpWatch(cluster.kube(), "restart")) {
      Churn churn = new Churn(cluster, "restart");
      LabProcess allocator = startReplica("a", 7472);
      allocator.awaitLog("a leads", Cluster.TIMEOUT);
      churn.steps(15);
      settle(churn);

      lab.terminateWatcher(allocator); // graceful: the Lease is released on the way out
      churn.steps(6);
      allocator = lab.restart(allocator);
      churn.steps(6);
      allocator.awaitLog("a leads", Cluster.TIMEOUT);
      settle(churn);

      lab.killWatcher(allocator); // a crash: the Lease stays held until it expires
      churn.steps(6);
      allocator = lab.restart(allocator);
      churn.steps(6);
      allocator.awaitLog("a leads", Cluster.TIMEOUT);
      settle(churn);

      assertInvariants(watch, churn);
      lab.terminateWatcher(allocator);
    }
  }

  @Test
  void killingTheLeaderOfTwoReplicasWhileServicesComeAndGoChangesNoIpAndNeverDuplicatesOne() {
    cluster.createNamespace("leader");
    try (IpWatch watch = new IpWatch(cluster.kube(), "leader")) {
      Churn churn = new Churn(cluster, "leader");
      LabProcess a = startReplica("a", 7472);
      a.awaitLog("a leads", Cluster.TIMEOUT);
      LabProcess b = startReplica("b", 7482);
      b.awaitLog("the allocator leader is a", Cluster.TIMEOUT);
      churn.steps(15);
      settle(churn);

      long killed = System.nanoTime();
      lab.killWatcher(a);
      churn.steps(10);
      b.awaitLog("b leads", Cluster.TIMEOUT);
      long takenOver = System.nanoTime();
      settle(churn);
      System.out.printf(
          "standby b took over %d ms after the leader a was killed%n",
          Duration.ofNanos(takenOver - killed).toMillis());

      a = lab.restart(a);
      a.awaitLog("the allocator leader is b", Cluster.TIMEOUT);
      churn.steps(10);
      settle(churn);
      lab.killWatcher(b);
      churn.steps(10);
      a.awaitLog("a leads", Cluster.TIMEOUT);
      settle(churn);

      assertInvariants(watch, churn);
      lab.terminateWatcher(a);
    }
  }

  @Test
  void stoppingAndKillingLeadersInTheMiddleOfABurstOfCreatesNeverDuplicatesOrChangesAnIp() {
    cluster.createNamespace("burst");
    try (IpWatch watch = new IpWatch(cluster.kube(), "burst")) {
      Churn churn = new Churn(cluster, "burst");
      LabProcess a = startReplica("a", 7472);
      a.awaitLog("a leads", Cluster.TIMEOUT);
      LabProcess b = startReplica("b", 7482);
      b.awaitLog("the allocator leader is a", Cluster.TIMEOUT);

      // SIGTERM: a drains its writes in flight, then releases the Lease, and b takes over at once.
      duringABurst(churn, () -> lab.terminateWatcher(a));
      b.awaitLog("b leads", Cluster.TIMEOUT);
      LabProcess restarted = lab.restart(a);
      restarted.awaitLog("the allocator leader is b", Cluster.TIMEOUT);
      // SIGKILL: writes b had queued are lost, and a seeds from what the API holds.
      duringABurst(churn, () -> lab.killWatcher(b));
      restarted.awaitLog("a leads", Cluster.TIMEOUT);
      settle(churn);

      assertInvariants(watch, churn);
      lab.terminateWatcher(restarted);
    }
  }

  /** Creates (and deletes) Services without a pause, and stops a leader 300 ms into it. */
  private static void duringABurst(Churn churn, Runnable stopLeader) {
    Thread burst = new Thread(() -> churn.steps(45), "burst");
    burst.start();
    try {
      Thread.sleep(300);
      stopLeader.run();
      burst.join(Cluster.TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static LabProcess startReplica(String identity, int httpPort) {
    return lab.startAllocator(
        "allocator-" + identity,
        lab.node(1),
        Map.of("HERALDLB_IDENTITY", identity, "HERALDLB_HTTP_PORT", Integer.toString(httpPort)),
        SHORT_LEASE);
  }

  /** Every Service there has its IP, and the API is quiet: safe to stop a process. */
  private static void settle(Churn churn) {
    churn.awaitSettled();
    lab.awaitApiQuiet(Duration.ofMillis(300), Cluster.TIMEOUT);
  }

  private static void assertInvariants(IpWatch watch, Churn churn) {
    System.out.printf(
        "%d Services created, %d deleted, %d shown an IP; violations: %s%n",
        churn.created(), churn.deleted(), watch.servicesWithIps(), watch.violations());
    assertEquals(List.of(), watch.violations());
    assertTrue(
        watch.servicesWithIps() >= churn.created() - churn.deleted(),
        "every remaining Service got an IP");
  }
}
