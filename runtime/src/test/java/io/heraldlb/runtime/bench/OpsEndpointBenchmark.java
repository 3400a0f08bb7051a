package io.heraldlb.runtime.bench;

import io.heraldlb.runtime.OpsServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether the operations endpoint needs Netty: HeraldLB's {@link OpsServer} against the Prometheus
 * client's own {@code HTTPServer} (the JDK's built-in HTTP server), each in a JVM of its own with
 * the same registry, as big as a speaker's with 1,000 addresses. Prints, per server, the time to
 * the first answer, the resident memory and threads of its JVM once scraped, and the latency of
 * sequential scrapes over one keep-alive connection; then the ratios.
 *
 * <p>Run: {@code ./integration-tests/bench.sh ops}.
 */
public final class OpsEndpointBenchmark {
  private static final int SERIES = 1_000;
  private static final int WARMUP = 500;
  private static final int SCRAPES = 2_000;

  /** Connections that send half a request and then nothing, as a hostile or broken client does. */
  private static final int STALLED = 256;

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private OpsEndpointBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("serve")) {
      serve(args[1]);
      return;
    }
    Figures netty = measure("netty");
    Figures jdk = measure("jdk");
    System.out.println(netty);
    System.out.println(jdk);
    System.out.printf(
        "ratio netty/jdk: start %.2f, RSS %.2f, threads %.2f, p50 %.2f, p99 %.2f%n",
        netty.startMs / jdk.startMs,
        (double) netty.rssKib / jdk.rssKib,
        (double) netty.threads / jdk.threads,
        netty.p50Us / jdk.p50Us,
        netty.p99Us / jdk.p99Us);
  }

  record Figures(
      String server,
      double startMs,
      long rssKib,
      long threads,
      double p50Us,
      double p99Us,
      String whileStalled) {
    @Override
    public String toString() {
      return String.format(
          "%-6s first answer %.0f ms after JVM start, RSS %d MiB, %d threads; /metrics p50 %.0f µs,"
              + " p99 %.0f µs (%d scrapes of %d series); with %d stalled connections open: %s",
          server,
          startMs,
          rssKib / 1024,
          threads,
          p50Us,
          p99Us,
          SCRAPES,
          SERIES,
          STALLED,
          whileStalled);
    }
  }

  /** In the child JVM: a registry like a busy speaker's, served until stdin closes. */
  private static void serve(String kind) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter counter =
        Counter.builder()
            .name("heraldlb_bench_frames_total")
            .help("frames per address")
            .labelNames("ip", "node")
            .register(registry);
    for (int i = 0; i < SERIES; i++) {
      counter.labelValues("10.200." + (i / 250) + "." + (i % 250), "node-1").inc(i);
    }
    AutoCloseable server;
    int port;
    if (kind.equals("netty")) {
      OpsServer ops =
          OpsServer.start(new InetSocketAddress("127.0.0.1", 0), registry, () -> null, () -> null);
      server = ops;
      port = ops.port();
    } else {
      HTTPServer http =
          HTTPServer.builder().hostname("127.0.0.1").port(0).registry(registry).buildAndStart();
      server = http;
      port = http.getPort();
    }
    System.out.println("port " + port);
    System.out.flush();
    while (System.in.read() >= 0) {
      // serve until the parent closes our stdin
    }
    server.close();
  }

  private static Figures measure(String kind) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long started = System.nanoTime();
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                OpsEndpointBenchmark.class.getName(),
                "serve",
                kind)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (line == null || !line.startsWith("port ")) {
        throw new IOException(kind + " server did not start: " + line);
      }
      URI uri = URI.create("http://127.0.0.1:" + line.substring(5) + "/metrics");
      HttpClient client =
          HttpClient.newBuilder()
              .proxy(HttpClient.Builder.NO_PROXY)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
      scrape(client, request);
      double startMs = (System.nanoTime() - started) / 1e6;
      for (int i = 0; i < WARMUP; i++) {
        scrape(client, request);
      }
      long[] nanos = new long[SCRAPES];
      for (int i = 0; i < SCRAPES; i++) {
        long t = System.nanoTime();
        scrape(client, request);
        nanos[i] = System.nanoTime() - t;
      }
      Arrays.sort(nanos);
      List<String> status = Files.readAllLines(Path.of("/proc", child.pid() + "", "status"));
      return new Figures(
          kind,
          startMs,
          field(status, "VmRSS:"),
          field(status, "Threads:"),
          nanos[SCRAPES / 2] / 1e3,
          nanos[SCRAPES * 99 / 100] / 1e3,
          whileStalled(uri));
    } finally {
      child.getOutputStream().close();
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  /**
   * A speaker's ops port is on the node's own address (host network), so anyone on the node network
   * can connect to it. Opens {@link #STALLED} connections that send half a request head and then
   * wait, then scrapes once over a new connection, as the kubelet's next probe would.
   */
  private static String whileStalled(URI uri) throws IOException, InterruptedException {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < STALLED; i++) {
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        stalled.add(socket);
        OutputStream out = socket.getOutputStream();
        out.write("GET /metrics HTTP/1.1\r\nHost: bench\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      Thread.sleep(200); // let the server take every connection in before the probe
      HttpClient fresh =
          HttpClient.newBuilder()
              .proxy(HttpClient.Builder.NO_PROXY)
              .connectTimeout(PROBE_TIMEOUT)
              .build();
      long t = System.nanoTime();
      try {
        scrape(fresh, HttpRequest.newBuilder(uri).timeout(PROBE_TIMEOUT).build());
        return String.format("answered in %.1f ms", (System.nanoTime() - t) / 1e6);
      } catch (java.net.http.HttpTimeoutException e) {
        return "no answer in " + PROBE_TIMEOUT.toSeconds() + " s";
      } catch (Exception e) {
        return "failed: " + e;
      }
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }

  private static void scrape(HttpClient client, HttpRequest request) throws Exception {
    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200 || !r.body().contains("heraldlb_bench_frames_total")) {
      throw new IOException(request.uri() + " answered " + r.statusCode());
    }
  }

  private static long field(List<String> status, String name) {
    List<String> found = new ArrayList<>();
    for (String line : status) {
      if (line.startsWith(name)) {
        found.add(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    if (found.isEmpty()) {
      throw new IllegalStateException("no " + name + " in /proc/PID/status");
    }
    return Long.parseLong(found.get(0));
  }
}
