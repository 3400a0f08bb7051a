package io.heraldlb.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Garbage and oversized input on the ops port (on the speaker it listens on the node's address):
 * after every kind of it the server still answers a probe at once, holds no more threads, and its
 * heap does not grow with the amount sent.
 */
class OpsServerFuzzTest {
  static final InetAddress LO = InetAddress.getLoopbackAddress();
  OpsServer server;

  @BeforeEach
  void start() throws InterruptedException {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("fuzz_seen").help("a series to serve").register(registry).inc();
    server = OpsServer.start(new InetSocketAddress(LO, 0), registry, () -> null, () -> null);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Writes {@code bytes}, reads whatever comes back for a moment, and hangs up. */
  private void send(byte[] bytes) throws IOException {
    try (Socket s = new Socket(LO, server.port())) {
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException closedOnUs) {
        return; // the server gave up on it first: fine
      }
      drain(s.getInputStream());
    }
  }

  private static void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try {
      while (in.read(buf) >= 0) {
        // discard
      }
    } catch (IOException timeoutOrReset) {
      // nothing more is coming
    }
  }

  private String probe() throws IOException {
    try (Socket s = new Socket(LO, server.port())) {
      s.setSoTimeout(2000);
      s.getOutputStream()
          .write(
              "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      try {
        s.getInputStream().transferTo(got);
      } catch (SocketTimeoutException e) {
        // keep what came
      }
      String text = got.toString(StandardCharsets.US_ASCII);
      return text.isEmpty() ? "(nothing)" : text.lines().findFirst().orElse("");
    }
  }

  private static List<byte[]> hostileInputs() {
    Random random = new Random(42);
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] noise = new byte[1 + random.nextInt(4096)];
      random.nextBytes(noise);
      inputs.add(noise);
    }
    String huge = "a".repeat(1 << 20);
    for (String request :
        List.of(
            "GET /" + huge + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /metrics HTTP/1.1\r\nX-Long: " + huge + "\r\n\r\n",
            "GET /metrics HTTP/1.1\r\n" + "X: y\r\n".repeat(100_000) + "\r\n",
            "POST /metrics HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n" + huge,
            "POST /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n" + huge,
            "GET /metrics HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /%00%ff/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
            "BREW /pot HTCPCP/1.0\r\n\r\n",
            "GET /metrics\r\n\r\n",
            "GET /metrics HTTP/9.9\r\n\r\n",
            "\r\n\r\n\r\n\r\n",
            "GET /metrics?name[]=" + "x".repeat(100_000) + " HTTP/1.1\r\n\r\n")) {
      inputs.add(request.getBytes(StandardCharsets.ISO_8859_1));
    }
    return inputs;
  }

  @Test
  void hostileInputNeitherKillsTheServerNorGrowsItsThreadsOrHeap() throws Exception {
    assertTrue(probe().startsWith("HTTP/1.1 200"));
    java.util.Set<String> loopsBefore = serverThreads();
    long heapBefore = usedHeapAfterGc();
    for (int round = 0; round < 3; round++) {
      for (byte[] input : hostileInputs()) {
        send(input);
      }
      assertTrue(probe().startsWith("HTTP/1.1 200"), "after round " + round + ": " + probe());
    }
    assertEquals(loopsBefore, serverThreads(), "the server's threads: none started, none died");
    assertEquals(1, loopsBefore.size(), "one event loop: " + loopsBefore);
    long grown = usedHeapAfterGc() - heapBefore;
    // About 30 MB went in over three rounds; what stays must not scale with that.
    assertTrue(grown < 8 << 20, "heap grew by " + grown + " bytes");
  }

  /** The live threads of Netty's event loops (this server's is the only one in this class). */
  private static java.util.Set<String> serverThreads() {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().contains("EventLoopGroup")) {
        names.add(t.getName() + "#" + t.getId());
      }
    }
    return names;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
