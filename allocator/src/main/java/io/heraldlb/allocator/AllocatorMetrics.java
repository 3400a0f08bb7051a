package io.heraldlb.allocator;

import io.heraldlb.config.Family;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/** The allocator's metrics. Pool figures are read from a snapshot the worker publishes. */
final class AllocatorMetrics {
  /** One pool's figures, as of the last change. */
  /**
   * @param size exactly; {@code total} is its gauge value
   */
  record PoolFigures(
      String pool, Family family, double total, java.math.BigInteger size, long inUse) {}

  /** Told the figures after each publish (the PoolUsage objects); on the loop thread. */
  volatile java.util.function.Consumer<List<PoolFigures>> published = figures -> {};

  final PrometheusRegistry registry = new PrometheusRegistry();
  private volatile List<PoolFigures> pools = List.of();
  private volatile int assigned;
  private volatile Map<String, Boolean> advertised = Map.of();

  final Gauge configLoaded =
      Gauge.builder()
          .name("heraldlb_config_loaded")
          .help("1 when a valid pool configuration is loaded")
          .register(registry);
  final Gauge configStale =
      Gauge.builder()
          .name("heraldlb_config_stale")
          .help("1 when the ConfigMap's current content is invalid and the last good one is in use")
          .register(registry);
  final Gauge leader =
      Gauge.builder()
          .name("heraldlb_allocator_leader")
          .help("1 on the replica that writes")
          .register(registry);
  final Histogram reconcileSeconds =
      Histogram.builder()
          .name("heraldlb_reconcile_duration_seconds")
          .help("time to reconcile one Service, writes excluded")
          .classicUpperBounds(
              0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1)
          .register(registry);
  final Counter statusWriteErrors =
      Counter.builder()
          .name("heraldlb_status_write_errors")
          .help("failed writes of Service status or the pool annotation")
          .register(registry);

  /** Writes that waited for a renewal of the Lease: the API server answers the renewals late. */
  void writesHeld(java.util.function.LongSupplier held) {
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("heraldlb_allocator_writes_held")
        .help("writes that waited for a late renewal of the Lease before going out")
        .callback(cb -> cb.call(held.getAsLong()))
        .register(registry);
  }

  final Counter allocationFailures =
      Counter.builder()
          .name("heraldlb_allocation_failures")
          .help("reconciles that ended with AllocationFailed")
          .register(registry);

  AllocatorMetrics(IntSupplier queueDepth) {
    GaugeWithCallback.builder()
        .name("heraldlb_pool_addresses")
        .help("addresses in the pool")
        .labelNames("pool", "family")
        .callback(
            cb -> pools.forEach(p -> cb.call(p.total(), p.pool(), p.family().kubernetesName())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("heraldlb_pool_addresses_in_use")
        .help("addresses of the pool held by at least one Service")
        .labelNames("pool", "family")
        .callback(
            cb -> pools.forEach(p -> cb.call(p.inUse(), p.pool(), p.family().kubernetesName())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("heraldlb_pool_advertised")
        .help(
            "1 when an advertisement covers the pool; 0: its addresses are assigned but no node"
                + " announces them")
        .labelNames("pool")
        .callback(cb -> advertised.forEach((pool, yes) -> cb.call(yes ? 1 : 0, pool)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("heraldlb_queue_depth")
        .help("keys waiting to be reconciled")
        .callback(cb -> cb.call(queueDepth.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("heraldlb_services_assigned")
        .help("Services holding at least one IP")
        .callback(cb -> cb.call(assigned))
        .register(registry);
  }

  /** The configuration's pools, and which of them no advertisement covers. */
  void unadvertised(List<String> unadvertised, List<String> pools) {
    Map<String, Boolean> next = new java.util.TreeMap<>();
    pools.forEach(p -> next.put(p, !unadvertised.contains(p)));
    advertised = next;
  }

  void publish(List<PoolFigures> figures, int assignedServices) {
    pools = List.copyOf(figures);
    assigned = assignedServices;
    published.accept(pools);
  }
}
