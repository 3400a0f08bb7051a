package io.heraldlb.allocator.bench;

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

/**
 * End to end against the mock API server: 1,000 LoadBalancer Services created at once, time until
 * every one shows an IP, and per-Service latency (creation to IP in status). In the same run, the
 * baseline: a bare fabric8 client writing 1,000 statuses to the same server, one after another.
 */
public final class EndToEndBenchmark {
  private EndToEndBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    try (KubernetesClient client = server.createClient()) {
      double bare = bareStatusUpdates(client, n);
      double ours = allocator(client, n);
      System.out.printf(
          "end-to-end: allocator %.0f ms for %d Services; bare client %.0f ms for %d status updates; ratio %.2f%n",
          ours, n, bare, n, ours / bare);
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

  /** The baseline: create n Services, then time n sequential status updates. */
  private static double bareStatusUpdates(KubernetesClient client, int n) {
    List<Service> created = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      created.add(client.services().inNamespace("bare").resource(lb("bare", "s" + i)).create());
    }
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Service s = created.get(i);
      s.setStatus(null);
      Service updated =
          new ServiceBuilder(s)
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

  private static double allocator(KubernetesClient client, int n) throws Exception {
    client
        .configMaps()
        .inNamespace("heraldlb-system")
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("heraldlb-config")
                .withNamespace("heraldlb-system")
                .endMetadata()
                .withData(
                    Map.of("pools.conf", "pools { bench { addresses = [\"10.100.0.0/16\"] } }"))
                .build())
        .create();
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    Map<String, Long> ipAt = new ConcurrentHashMap<>();
    CountDownLatch all = new CountDownLatch(n);
    Watch watch =
        client
            .services()
            .inNamespace("e2e")
            .watch(
                new Watcher<Service>() {
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
                });
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
              client.services().inNamespace("e2e").resource(lb("e2e", name)).create();
            });
      }
      if (!all.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("only " + ipAt.size() + " of " + n + " Services got an IP");
      }
      double total = (System.nanoTime() - start) / 1e6;
      creators.shutdown();
      List<Double> latencies = new ArrayList<>();
      ipAt.forEach((name, t) -> latencies.add((t - createdAt.get(name)) / 1e6));
      Collections.sort(latencies);
      System.out.printf(
          "allocator: %d Services created at once all had an IP after %.0f ms; per Service p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          n,
          total,
          latencies.get(n / 2),
          latencies.get((int) Math.ceil(n * 0.99) - 1),
          latencies.get(n - 1));
      return total;
    }
  }
}
