package io.heraldlb.allocator.bench;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.heraldlb.allocator.AllocatorBench;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * End to end against the mock API server, with the same server measuring a baseline in the same
 * run:
 *
 * <ul>
 *   <li>pending: n LoadBalancer Services exist, the allocator starts; time until all show an IP;
 *   <li>burst: the allocator runs, n Services are created at once (8 threads); time from the first
 *       create until all show an IP, and per-Service latency from its create to its IP;
 *   <li>baseline: a bare fabric8 client writes n statuses, one after another.
 * </ul>
 */
public final class EndToEndBenchmark {
  private EndToEndBenchmark() {}

  /** The mock server logs every request; that would cost both sides, so it is turned down. */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    MOCK_LOG.setLevel(Level.WARNING);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    try (KubernetesClient client = server.createClient()) {
      client
          .configMaps()
          .inNamespace("heraldlb-system")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("heraldlb-config")
                  .withNamespace("heraldlb-system")
                  .endMetadata()
                  .withData(
                      Map.of("pools.conf", "pools { bench { addresses = [\"10.100.0.0/16\"] } }"))
                  .build())
          .create();
      double pending = pending(client, n);
      double burst = burst(client, n);
      double bare = bareStatusUpdates(client, n);
      System.out.printf(
          "end-to-end: pending %.0f ms (%.2f x baseline), burst %.0f ms (%.2f x baseline), bare client %.0f ms for %d status updates%n",
          pending, pending / bare, burst, burst / bare, bare, n);
    } finally {
      server.destroy();
    }
  }

  private static Service lb(String ns, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .addNewPort()
        .withProtocol("TCP")
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  /** Records when each Service of a namespace first shows an IP. */
  private static final class IpWatch implements Watcher<Service> {
    final Map<String, Long> ipAt = new ConcurrentHashMap<>();
    final CountDownLatch all;

    IpWatch(int n) {
      all = new CountDownLatch(n);
    }

    @Override
    public void eventReceived(Action action, Service s) {
      if (s.getStatus() != null
          && s.getStatus().getLoadBalancer() != null
          && s.getStatus().getLoadBalancer().getIngress() != null
          && !s.getStatus().getLoadBalancer().getIngress().isEmpty()
          && ipAt.putIfAbsent(s.getMetadata().getName(), System.nanoTime()) == null) {
        all.countDown();
      }
    }

    @Override
    public void onClose(WatcherException cause) {}

    void await(int n) throws InterruptedException {
      if (!all.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("only " + ipAt.size() + " of " + n + " Services got an IP");
      }
    }
  }

  private static double pending(KubernetesClient client, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      client.services().inNamespace("pending").resource(lb("pending", "s" + i)).create();
    }
    IpWatch ips = new IpWatch(n);
    Watch watch = client.services().inNamespace("pending").watch(ips);
    long start = System.nanoTime();
    AllocatorBench allocator = AllocatorBench.start(client);
    try (watch) {
      ips.await(n);
      double total = (System.nanoTime() - start) / 1e6;
      System.out.printf(
          "pending: the allocator started and gave %d waiting Services an IP in %.0f ms%n",
          n, total);
      return total;
    } finally {
      allocator.close();
    }
  }

  private static double burst(KubernetesClient client, int n) throws Exception {
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    IpWatch ips = new IpWatch(n);
    Watch watch = client.services().inNamespace("burst").watch(ips);
    try (watch;
        AllocatorBench allocator = AllocatorBench.start(client)) {
      allocator.awaitReady();
      ExecutorService creators = Executors.newFixedThreadPool(8);
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        String name = "s" + i;
        creators.execute(
            () -> {
              createdAt.put(name, System.nanoTime());
              client.services().inNamespace("burst").resource(lb("burst", name)).create();
            });
      }
      creators.shutdown();
      creators.awaitTermination(5, TimeUnit.MINUTES);
      double created = (System.nanoTime() - start) / 1e6;
      ips.await(n);
      double total = (System.nanoTime() - start) / 1e6;
      List<Double> latencies = new ArrayList<>();
      ips.ipAt.forEach((name, t) -> latencies.add((t - createdAt.get(name)) / 1e6));
      Collections.sort(latencies);
      System.out.printf(
          "burst: %d Services created at once (creating them took %.0f ms) all had an IP after %.0f ms,"
              + " %.0f ms after the last create; per Service p50 %.1f ms, p99 %.1f ms%n",
          n,
          created,
          total,
          total - created,
          latencies.get(n / 2),
          latencies.get((int) Math.ceil(n * 0.99) - 1));
      return total;
    }
  }

  /**
   * The baseline: n Services (of a class the allocator leaves alone) and n sequential status
   * updates on the objects as a list returns them.
   */
  private static double bareStatusUpdates(KubernetesClient client, int n) {
    for (int i = 0; i < n; i++) {
      Service s = lb("bare", "s" + i);
      s.getSpec().setLoadBalancerClass("example.com/baseline");
      client.services().inNamespace("bare").resource(s).create();
    }
    List<Service> services = client.services().inNamespace("bare").list().getItems();
    long start = System.nanoTime();
    for (int i = 0; i < services.size(); i++) {
      Service updated =
          new ServiceBuilder(services.get(i))
              .editOrNewStatus()
              .editOrNewLoadBalancer()
              .withIngress(
                  new LoadBalancerIngressBuilder()
                      .withIp("10.200." + (i / 250) + "." + (i % 250))
                      .withIpMode("VIP")
                      .build())
              .endLoadBalancer()
              .endStatus()
              .build();
      client.services().inNamespace("bare").resource(updated).updateStatus();
    }
    double ms = (System.nanoTime() - start) / 1e6;
    System.out.printf(
        "baseline: a bare client wrote %d statuses in %.0f ms (%.2f ms each)%n", n, ms, ms / n);
    return ms;
  }
}
