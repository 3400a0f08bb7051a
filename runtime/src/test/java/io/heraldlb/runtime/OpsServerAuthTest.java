package io.heraldlb.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.runtime.ScrapeAuthorizer.Verdict;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /metrics} behind a bearer-token authorizer; the probes stay open. */
class OpsServerAuthTest {
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private OpsServer server;
  private HttpClient client;
  private String base;

  /** "reader" may scrape, "nosy" is known but may not, "slow" answers late, "broken" fails. */
  private CompletableFuture<Verdict> authorize(String token, String path) {
    asked.add(token + " " + path);
    return switch (token) {
      case "reader" -> CompletableFuture.completedFuture(Verdict.ALLOWED);
      case "nosy" -> CompletableFuture.completedFuture(Verdict.FORBIDDEN);
      case "slow" ->
          CompletableFuture.supplyAsync(
              () -> Verdict.ALLOWED, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
      case "broken" -> CompletableFuture.failedFuture(new IllegalStateException("API down"));
      default -> CompletableFuture.completedFuture(Verdict.UNAUTHENTICATED);
    };
  }

  @BeforeEach
  void start() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("heraldlb_test_total").register(registry).inc();
    server =
        OpsServer.start(
            new InetSocketAddress(OpsServerTlsTest.LO, 0),
            registry,
            () -> null,
            () -> null,
            OpsServer.tls(OpsServerTlsTest.dir()),
            this::authorize);
    client = OpsServerTlsTest.trusting(OpsServerTlsTest.dir().resolve("tls.crt"));
    base = "https://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aScrapeWithoutATokenIsAskedForOneAndTheAuthorizerIsNotCalled() throws Exception {
    HttpResponse<String> r = get("/metrics", null);
    assertEquals(401, r.statusCode());
    assertEquals("Bearer realm=\"heraldlb\"", r.headers().firstValue("WWW-Authenticate").get());
    assertEquals(401, get("/metrics", "Basic cmVhZGVyOng=").statusCode(), "not a bearer token");
    assertEquals(401, get("/metrics", "Bearer " + "x".repeat(5000)).statusCode(), "oversized");
    assertEquals(List.of(), asked);
  }

  @Test
  void eachVerdictHasItsStatusAndOnlyAnAllowedTokenSeesTheMetrics() throws Exception {
    HttpResponse<String> allowed = get("/metrics", "Bearer reader");
    assertEquals(200, allowed.statusCode());
    assertTrue(allowed.body().contains("heraldlb_test_total 1.0"), allowed.body());
    assertEquals(200, get("/metrics", "bearer reader").statusCode(), "the scheme is case-blind");
    HttpResponse<String> forbidden = get("/metrics", "Bearer nosy");
    assertEquals(403, forbidden.statusCode());
    assertTrue(!forbidden.body().contains("heraldlb_test_total"), forbidden.body());
    assertEquals(401, get("/metrics", "Bearer forged").statusCode());
    assertEquals(503, get("/metrics", "Bearer broken").statusCode());
    assertEquals(
        List.of(
            "reader /metrics",
            "reader /metrics",
            "nosy /metrics",
            "forged /metrics",
            "broken /metrics"),
        asked);
  }

  @Test
  void probesNeedNoToken() throws Exception {
    assertEquals(200, get("/healthz", null).statusCode());
    assertEquals(200, get("/readyz", null).statusCode());
    assertEquals(404, get("/elsewhere", null).statusCode());
    assertEquals(List.of(), asked);
  }

  @Test
  void pipelinedAnswersKeepTheirOrderWhileAScrapeWaitsForItsVerdict() throws Exception {
    SSLContext tls = OpsServerTlsTest.trustingOnly(OpsServerTlsTest.dir().resolve("tls.crt"));
    try (SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer slow\r\n\r\n"
                  + "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(all);
      String answers = all.toString(StandardCharsets.UTF_8);
      int metrics = answers.indexOf("heraldlb_test_total");
      int ready = answers.indexOf("\r\n\r\nok\n");
      assertTrue(metrics > 0 && ready > metrics, "the scrape's answer comes first: " + answers);
    }
  }

  @Test
  void anAuthorizerWithoutTlsIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            OpsServer.start(
                new InetSocketAddress(OpsServerTlsTest.LO, 0),
                new PrometheusRegistry(),
                () -> null,
                () -> null,
                null,
                this::authorize));
  }
}
