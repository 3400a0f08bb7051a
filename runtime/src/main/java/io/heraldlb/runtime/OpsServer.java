package io.heraldlb.runtime;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The operations endpoint both programs serve: {@code /metrics} (Prometheus text), {@code /healthz}
 * and {@code /readyz}. One event-loop thread; it answers scrapes and probes, nothing else.
 *
 * <p>Netty rather than the JDK's HTTP server (which the Prometheus client wraps): the speaker's
 * port is on the node's address, and a client that sends half a request holds one of the JDK
 * server's worker threads until it goes away, so a few of them starve the kubelet's probes. Here a
 * stalled connection costs a buffer, never the loop, and is dropped after {@link #IDLE_SECONDS}.
 * {@code ./integration-tests/bench.sh ops} measures both.
 */
public final class OpsServer implements AutoCloseable {
  /** A connection that sends nothing for this long is closed; scrapers reconnect. */
  static final int IDLE_SECONDS = 30;

  private final EventLoopGroup group;
  private final Channel channel;

  private OpsServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** Binds {@code address} and serves plain HTTP until {@link #close()}. */
  public static OpsServer start(
      InetSocketAddress address, PrometheusRegistry registry, Check health, Check readiness)
      throws InterruptedException {
    return start(address, registry, health, readiness, null, null);
  }

  /**
   * The certificate and key to serve HTTPS with: {@code tls.crt} and {@code tls.key} (PEM, PKCS#8,
   * as a Kubernetes TLS Secret holds them) in {@code dir}. TLS 1.2 and 1.3, the JDK's provider.
   */
  public static SslContext tls(Path dir) throws IOException {
    File cert = dir.resolve("tls.crt").toFile();
    File key = dir.resolve("tls.key").toFile();
    if (!cert.isFile() || !key.isFile()) {
      throw new IOException(dir + " must hold tls.crt and tls.key");
    }
    try {
      return SslContextBuilder.forServer(cert, key)
          .sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (IllegalArgumentException | javax.net.ssl.SSLException e) {
      throw new IOException("cannot serve HTTPS with " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * As {@link #start(InetSocketAddress, PrometheusRegistry, Check, Check)}; HTTPS with {@code tls},
   * and {@code /metrics} only for bearer tokens {@code authorizer} allows. An authorizer without
   * TLS is refused: the token would cross the network in the clear.
   */
  public static OpsServer start(
      InetSocketAddress address,
      PrometheusRegistry registry,
      Check health,
      Check readiness,
      @Nullable SslContext tls,
      @Nullable ScrapeAuthorizer authorizer)
      throws InterruptedException {
    if (authorizer != null && tls == null) {
      throw new IllegalArgumentException("scrape authorization needs HTTPS");
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS));
                      if (tls != null) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                      }
                      ch.pipeline()
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(8192))
                          .addLast(new OpsHandler(registry, health, readiness, authorizer));
                    }
                  })
              .bind(address)
              .sync()
              .channel();
      return new OpsServer(group, channel);
    } catch (RuntimeException | InterruptedException e) {
      group.shutdownGracefully();
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
