package io.heraldlb.it.lab;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The lab's stand-in for a Service's pods on one node: answers every HTTP request with the node's
 * name and, on a second line, the address the request came from, on the wildcard address (IPv4 and
 * IPv6). The first line says where the pod runs; the second which node forwarded the request
 * (kube-proxy masquerades traffic it sends on with the node's address) or, when it is the client's
 * own address, that the request was not forwarded at all.
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
    String node = args[0];
    int port = Integer.parseInt(args[1]);
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
    server.createContext(
        "/",
        exchange -> {
          String peer = exchange.getRemoteAddress().getAddress().getHostAddress();
          byte[] body = (node + "\n" + peer + "\n").getBytes(StandardCharsets.UTF_8);
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
