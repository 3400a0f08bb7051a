package io.heraldlb.it.bench;

import io.heraldlb.it.lab.LabException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The comparison's plots, PNG, from the report's samples: one series per contender. */
final class Plots {
  private Plots() {}

  static void write(Report report, Path dir) {
    System.setProperty("java.awt.headless", "true");
    for (String figure :
        List.of(
            "SIGKILL failover, client's entry moved (ms)",
            "SIGKILL failover, first HTTP answer (ms)",
            "SIGSTOP failover, client's entry moved (ms)",
            "SIGSTOP failover, first HTTP answer (ms)")) {
      Map<String, List<Double>> samples = report.samples(figure);
      if (!samples.isEmpty()) {
        save(distribution(figure, samples), dir, figure);
      }
    }
    for (String spacing : List.of("every 10 ms", "every 1 ms")) {
      String figure = "ARP reply latency " + spacing + " (µs)";
      Map<String, List<Double>> samples = report.samples(figure);
      if (!samples.isEmpty()) {
        save(cdf(figure, samples), dir, figure);
      }
    }
    Map<String, List<Double>> seconds = report.samples(CompareBenchmark.TIMELINE + ": seconds");
    Map<String, List<Double>> addressed = report.samples(CompareBenchmark.TIMELINE + ": addressed");
    if (!seconds.isEmpty()) {
      XYSeriesCollection data = new XYSeriesCollection();
      seconds.forEach(
          (who, times) -> {
            XYSeries series = new XYSeries(who);
            List<Double> counts = addressed.get(who);
            for (int i = 0; i < times.size(); i++) {
              series.add(times.get(i), counts.get(i));
            }
            data.addSeries(series);
          });
      save(
          ChartFactory.createXYLineChart(
              CompareBenchmark.TIMELINE,
              "seconds since the first create",
              "Services with an address",
              data,
              PlotOrientation.VERTICAL,
              true,
              false,
              false),
          dir,
          "allocation timeline");
    }
  }

  /** Each trial's value against its rank: the whole distribution, one series per contender. */
  private static JFreeChart distribution(String figure, Map<String, List<Double>> samples) {
    XYSeriesCollection data = ranked(samples, false);
    JFreeChart chart =
        ChartFactory.createScatterPlot(
            figure, "fraction of trials", "ms", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    LogAxis log = new LogAxis("ms (log scale)");
    plot.setRangeAxis(log);
    return chart;
  }

  /** Cumulative distribution of the latencies, log scale. */
  private static JFreeChart cdf(String figure, Map<String, List<Double>> samples) {
    XYSeriesCollection data = ranked(samples, true);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            figure + ": CDF",
            "µs",
            "fraction of replies",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    chart.getXYPlot().setDomainAxis(new LogAxis("µs (log scale)"));
    return chart;
  }

  /**
   * One series per contender of its sorted values against their rank as a fraction: (fraction,
   * value), or (value, fraction) for a CDF.
   */
  private static XYSeriesCollection ranked(Map<String, List<Double>> samples, boolean cdf) {
    XYSeriesCollection data = new XYSeriesCollection();
    samples.forEach(
        (who, values) -> {
          List<Double> sorted = Stats.of(values).sorted();
          XYSeries series = new XYSeries(who);
          for (int i = 0; i < sorted.size(); i++) {
            double rank = (i + 1.0) / sorted.size();
            if (cdf) {
              series.add(sorted.get(i).doubleValue(), rank);
            } else {
              series.add(rank, sorted.get(i).doubleValue());
            }
          }
          data.addSeries(series);
        });
    return data;
  }

  private static void save(JFreeChart chart, Path dir, String figure) {
    String file = figure.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "").toLowerCase();
    try {
      ChartUtils.saveChartAsPNG(dir.resolve(file + ".png").toFile(), chart, 960, 540);
    } catch (IOException e) {
      throw new LabException("cannot write the plot " + file + ": " + e.getMessage(), e);
    }
  }
}
