package io.heraldlb.runtime;

import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What every HeraldLB program exposes about itself besides its own figures: the JVM's and the
 * process's ({@code jvm_memory_*}, {@code jvm_gc_*}, {@code jvm_threads_*}, {@code
 * process_cpu_seconds_total}, {@code process_resident_memory_bytes}, ...) and {@code
 * heraldlb_build_info}, 1 with the program, its version and the Java it runs on as labels.
 */
public final class ProcessMetrics {
  private ProcessMetrics() {}

  /** Registers both on {@code registry}; {@code program} is e.g. {@code heraldlb-speaker}. */
  public static void register(PrometheusRegistry registry, String program) {
    JvmMetrics.builder().register(registry);
    Info.builder()
        .name("heraldlb_build_info")
        .help("The running program: 1, with its version and Java's as labels")
        .labelNames("program", "version", "java_version")
        .register(registry)
        .setLabelValues(program, version(), System.getProperty("java.version", "unknown"));
  }

  /** The jar's Implementation-Version; "unknown" when run from classes (tests). */
  static String version() {
    String v = ProcessMetrics.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "unknown" : v;
  }
}
