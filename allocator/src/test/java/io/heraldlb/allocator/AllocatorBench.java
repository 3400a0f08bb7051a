package io.heraldlb.allocator;

import io.fabric8.kubernetes.client.KubernetesClient;

/** Lets the benchmarks (another package) run a real {@link Allocator} replica. */
public final class AllocatorBench implements AutoCloseable {
  private final Allocator allocator;

  private AllocatorBench(Allocator allocator) {
    this.allocator = allocator;
  }

  public static AllocatorBench start(KubernetesClient client) throws InterruptedException {
    Allocator a = new Allocator(client, MockCluster.settings("bench", ""), () -> {});
    a.start();
    return new AllocatorBench(a);
  }

  public void awaitReady() {
    MockCluster.await(allocator::seeded, "the allocator to load its configuration");
  }

  @Override
  public void close() {
    allocator.resign();
    allocator.close();
  }
}
