package io.heraldlb.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpsHandlerTest {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final AtomicReference<String> unhealthy = new AtomicReference<>();

  private FullHttpResponse get(String path) {
    return request(HttpMethod.GET, path);
  }

  private FullHttpResponse request(HttpMethod method, String path) {
    EmbeddedChannel ch =
        new EmbeddedChannel(new OpsHandler(registry, unhealthy::get, () -> "not yet", null));
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path));
    return ch.readOutbound();
  }

  @Test
  void servesMetricsInPrometheusTextFormat() {
    Counter.builder().name("heraldlb_test_things").help("things").register(registry).inc(3);
    FullHttpResponse r = get("/metrics");
    assertEquals(200, r.status().code());
    String body = r.content().toString(StandardCharsets.UTF_8);
    assertTrue(body.contains("heraldlb_test_things_total 3.0"), body);
    assertTrue(r.headers().get("Content-Type").startsWith("text/plain; version=0.0.4"));
  }

  @Test
  void failsHealthWithTheProblemAndRecovers() {
    unhealthy.set("the Service informer has stopped");
    FullHttpResponse bad = get("/healthz");
    assertEquals(503, bad.status().code());
    assertEquals(
        "the Service informer has stopped\n", bad.content().toString(StandardCharsets.UTF_8));
    unhealthy.set(null);
    assertEquals(200, get("/healthz").status().code());
  }

  @Test
  void reportsNotReadyAndUnknownPaths() {
    assertEquals(503, get("/readyz").status().code());
    assertEquals(404, get("/nope").status().code());
    assertEquals(405, request(HttpMethod.POST, "/metrics").status().code());
  }

  @Test
  void answersOverARealSocket() throws Exception {
    try (OpsServer server =
        OpsServer.start(new InetSocketAddress("127.0.0.1", 0), registry, () -> null, () -> null)) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("ok\n", r.body());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
