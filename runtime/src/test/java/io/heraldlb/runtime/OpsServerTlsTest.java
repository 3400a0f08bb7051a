package io.heraldlb.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ops endpoint over HTTPS with a mounted certificate (a TLS Secret's two files). */
class OpsServerTlsTest {
  static final InetAddress LO = InetAddress.getLoopbackAddress();

  static Path dir() throws Exception {
    return Path.of(OpsServerTlsTest.class.getResource("/ops-tls/tls.crt").toURI()).getParent();
  }

  /** A client that trusts exactly the test certificate, as a Prometheus given its CA would. */
  static HttpClient trusting(Path cert) throws Exception {
    return HttpClient.newBuilder()
        .sslContext(trustingOnly(cert))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** TLS that trusts exactly {@code cert}. */
  static SSLContext trustingOnly(Path cert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = java.nio.file.Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "ops", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  @Test
  void servesTheProbesAndMetricsOverHttpsAndNotInPlainText() throws Exception {
    try (OpsServer server =
        OpsServer.start(
            new InetSocketAddress(LO, 0),
            new PrometheusRegistry(),
            () -> null,
            () -> "not yet",
            OpsServer.tls(dir()),
            null)) {
      HttpClient client = trusting(dir().resolve("tls.crt"));
      String base = "https://127.0.0.1:" + server.port();
      assertEquals(
          200,
          client
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode());
      assertEquals(
          503,
          client
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode());
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThrows(
          IOException.class,
          () ->
              plain.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString()),
          "plain HTTP gets no answer from the HTTPS port");
    }
  }

  @Test
  void aDirectoryWithoutTheTwoFilesIsRefusedNamingIt(@TempDir Path empty) {
    IOException e = assertThrows(IOException.class, () -> OpsServer.tls(empty));
    assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
  }
}
