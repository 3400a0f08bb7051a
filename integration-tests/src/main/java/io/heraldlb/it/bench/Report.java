package io.heraldlb.it.bench;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.heraldlb.it.lab.LabException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The comparison's figures: one row per figure with both contenders' values, their ratio and the
 * target, printed as they come and written as results.json and results.md; the samples behind them
 * go into the JSON and the plots.
 */
final class Report {
  /** A figure; a contender's value is NaN where it was not measured. */
  record Row(String figure, String unit, double heraldlb, double metallb, String target, String n) {
    double ratio() {
      return heraldlb / metallb;
    }
  }

  private final PrintStream out;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
  private final Map<String, String> context = new LinkedHashMap<>();

  Report(PrintStream out) {
    this.out = out;
  }

  void context(String key, String value) {
    context.put(key, value);
  }

  /** The raw measurements of one figure for one contender (for the JSON and the plots). */
  void samples(String figure, String contender, List<Double> values) {
    samples.computeIfAbsent(figure, f -> new LinkedHashMap<>()).put(contender, List.copyOf(values));
  }

  Map<String, List<Double>> samples(String figure) {
    return samples.getOrDefault(figure, Map.of());
  }

  void row(Row row) {
    rows.add(row);
    out.printf(
        "  %-58s HeraldLB %s  MetalLB %s  ratio %s  target %s  n=%s%n",
        row.figure(),
        value(row.heraldlb(), row.unit()),
        value(row.metallb(), row.unit()),
        ratio(row),
        row.target(),
        row.n());
  }

  private static String value(double v, String unit) {
    return Double.isNaN(v) ? "—" : String.format("%.1f %s", v, unit);
  }

  private static String ratio(Row row) {
    return Double.isNaN(row.ratio()) || Double.isInfinite(row.ratio())
        ? "—"
        : String.format("%.2f×", row.ratio());
  }

  /** Writes results.json and results.md into {@code dir}. */
  void write(Path dir) {
    try {
      Files.createDirectories(dir);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("context", context);
      List<Map<String, Object>> figures = new ArrayList<>();
      for (Row r : rows) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("figure", r.figure());
        f.put("unit", r.unit());
        f.put("heraldlb", Double.isNaN(r.heraldlb()) ? null : r.heraldlb());
        f.put("metallb", Double.isNaN(r.metallb()) ? null : r.metallb());
        f.put("ratio", Double.isFinite(r.ratio()) ? r.ratio() : null);
        f.put("target", r.target());
        f.put("n", r.n());
        figures.add(f);
      }
      json.put("figures", figures);
      json.put("samples", samples);
      Files.writeString(
          dir.resolve("results.json"), new KubernetesSerialization().asJson(json) + "\n");
      StringBuilder md = new StringBuilder();
      context.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
      md.append(
          "\n| figure | HeraldLB | MetalLB | ratio | target | n |\n|---|---|---|---|---|---|\n");
      for (Row r : rows) {
        md.append(
            String.format(
                "| %s | %s | %s | %s | %s | %s |%n",
                r.figure(),
                value(r.heraldlb(), r.unit()),
                value(r.metallb(), r.unit()),
                ratio(r),
                r.target(),
                r.n()));
      }
      Files.writeString(dir.resolve("results.md"), md);
    } catch (IOException e) {
      throw new LabException("cannot write the results into " + dir + ": " + e.getMessage(), e);
    }
  }
}
