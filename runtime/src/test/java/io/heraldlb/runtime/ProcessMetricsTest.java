package io.heraldlb.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcessMetricsTest {
  @Test
  void exposesTheJvmTheProcessAndTheBuild() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    ProcessMetrics.register(registry, "heraldlb-speaker");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    String text = out.toString(StandardCharsets.UTF_8);
    for (String series :
        new String[] {
          "heraldlb_build_info{java_version=\"" + System.getProperty("java.version"),
          "program=\"heraldlb-speaker\"",
          "jvm_memory_used_bytes{area=\"heap\"}",
          "jvm_threads_current ",
          "process_cpu_seconds_total ",
          "process_resident_memory_bytes "
        }) {
      assertTrue(text.contains(series), series + " in\n" + text);
    }
  }
}
