package io.heraldlb.it.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends HTTP GETs at a fixed rate, each on a new connection with a 1 s timeout (as curl would, so
 * each one is resolved, routed and NATed afresh), and counts those that got no 200. A request that
 * is slow does not delay the next one. Prints {@code sent N failed M} at the end.
 *
 * <p>Usage: {@code HttpLoad TARGET-IP PORT COUNT INTERVAL-MILLIS}
 */
public final class HttpLoad {
  private HttpLoad() {}

  private static final int TIMEOUT_MILLIS = 1000;

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 4) {
      System.err.println("usage: HttpLoad TARGET-IP PORT COUNT INTERVAL-MILLIS");
      System.exit(2);
    }
    InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int count = Integer.parseInt(args[2]);
    long interval = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[3]));
    AtomicInteger failed = new AtomicInteger();
    ExecutorService pool = Executors.newCachedThreadPool();
    long next = System.nanoTime();
    for (int i = 0; i < count; i++) {
      int n = i;
      pool.execute(
          () -> {
            String error = get(target);
            if (error != null) {
              failed.incrementAndGet();
              System.out.println("request " + n + " failed: " + error);
            }
          });
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
    pool.shutdown();
    pool.awaitTermination(TIMEOUT_MILLIS * 3L, TimeUnit.MILLISECONDS);
    System.out.println("sent " + count + " failed " + failed.get());
  }

  /** One GET; null if it was answered with 200, else what went wrong. */
  private static String get(InetSocketAddress target) {
    try (Socket s = new Socket()) {
      s.connect(target, TIMEOUT_MILLIS);
      s.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET / HTTP/1.0\r\nHost: " + target.getHostString() + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(12);
      String status = new String(head, StandardCharsets.US_ASCII);
      return status.startsWith("HTTP/1.") && status.endsWith(" 200")
          ? null
          : "answered " + status.strip();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
