package io.heraldlb.it.lab;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The lab's stand-in for a Service's pods on one node: answers every HTTP request with the node's
 * name, on the wildcard address (IPv4 and IPv6), so a client sees which node got its traffic.
 *
 * <p>Usage: {@code Backend NODE-NAME PORT}
 */
public final class Backend {
  private Backend() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: Backend NODE-NAME PORT");
      System.exit(2);
    }
    byte[] body = (args[0] + "\n").getBytes(StandardCharsets.UTF_8);
    int port = Integer.parseInt(args[1]);
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
    server.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "text/plain");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    System.out.println("backend " + args[0] + " listening on port " + port);
  }
}
