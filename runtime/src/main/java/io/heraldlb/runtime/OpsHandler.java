package io.heraldlb.runtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes {@code /metrics}, {@code /healthz} and {@code /readyz}. With a {@link ScrapeAuthorizer},
 * {@code /metrics} needs a bearer token it allows; the probes stay open.
 */
final class OpsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(OpsHandler.class);
  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

  /** Longer bearer tokens are refused unread; a ServiceAccount token is about 1 KiB. */
  static final int MAX_TOKEN = 4096;

  private final PrometheusRegistry registry;
  private final Check health;
  private final Check readiness;
  private final @Nullable ScrapeAuthorizer authorizer;

  /** Completes when the last answer on this connection was handed to the channel. */
  private CompletableFuture<@Nullable Void> sent = CompletableFuture.completedFuture(null);

  OpsHandler(
      PrometheusRegistry registry,
      Check health,
      Check readiness,
      @Nullable ScrapeAuthorizer authorizer) {
    this.registry = registry;
    this.health = health;
    this.readiness = readiness;
    this.authorizer = authorizer;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    CompletableFuture<FullHttpResponse> response;
    String path = request.uri();
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    if (!request.decoderResult().isSuccess()) {
      response = done(text(HttpResponseStatus.BAD_REQUEST, "bad request\n"));
    } else if (!HttpMethod.GET.equals(request.method())
        && !HttpMethod.HEAD.equals(request.method())) {
      response = done(text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n"));
    } else {
      response =
          switch (path) {
            case "/metrics" -> authorizedMetrics(ctx, request);
            case "/healthz" -> done(check(health));
            case "/readyz" -> done(check(readiness));
            default ->
                done(text(HttpResponseStatus.NOT_FOUND, "try /metrics, /healthz or /readyz\n"));
          };
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean head = HttpMethod.HEAD.equals(request.method());
    // Answers leave in the order the requests came (HTTP/1.1 pipelining), even when a scrape
    // waits for its authorization and a probe behind it does not.
    if (sent.isDone() && response.isDone()) {
      send(ctx, response.join(), keepAlive, head); // the usual case: nothing waits
      return;
    }
    sent =
        sent.thenCombine(response, (previous, r) -> r)
            .thenAcceptAsync(r -> send(ctx, r, keepAlive, head), ctx.executor());
  }

  private static void send(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, boolean head) {
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (head) {
      response.content().clear();
    }
    if (keepAlive) {
      HttpUtil.setKeepAlive(response, true);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  /** The metrics, once the authorizer (when there is one) allows the request's bearer token. */
  private CompletableFuture<FullHttpResponse> authorizedMetrics(
      ChannelHandlerContext ctx, FullHttpRequest request) {
    ScrapeAuthorizer auth = authorizer;
    if (auth == null) {
      return done(metrics(ctx));
    }
    String token = bearerToken(request.headers().get(HttpHeaderNames.AUTHORIZATION));
    if (token == null) {
      return done(unauthenticated("a bearer token is required\n"));
    }
    CompletableFuture<ScrapeAuthorizer.Verdict> verdict;
    try {
      verdict = auth.authorize(token, "/metrics").toCompletableFuture();
    } catch (RuntimeException e) {
      verdict = CompletableFuture.failedFuture(e);
    }
    return verdict
        .exceptionally(
            e -> {
              log.warn("scrape authorization failed: {}", e.toString());
              return ScrapeAuthorizer.Verdict.UNAVAILABLE;
            })
        .thenApplyAsync(
            v ->
                switch (v) {
                  case ALLOWED -> metrics(ctx);
                  case UNAUTHENTICATED -> unauthenticated("the bearer token was not accepted\n");
                  case FORBIDDEN ->
                      text(HttpResponseStatus.FORBIDDEN, "this identity may not read /metrics\n");
                  case UNAVAILABLE ->
                      text(
                          HttpResponseStatus.SERVICE_UNAVAILABLE,
                          "cannot check the bearer token now; try again\n");
                },
            ctx.executor());
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  static @Nullable String bearerToken(@Nullable String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).strip();
    return token.isEmpty() || token.length() > MAX_TOKEN || token.indexOf(' ') >= 0 ? null : token;
  }

  private static FullHttpResponse unauthenticated(String body) {
    FullHttpResponse r = text(HttpResponseStatus.UNAUTHORIZED, body);
    r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"heraldlb\"");
    return r;
  }

  private FullHttpResponse metrics(ChannelHandlerContext ctx) {
    ByteBuf body = ctx.alloc().buffer(8192);
    try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
      TEXT.write(out, registry.scrape());
    } catch (IOException | RuntimeException e) {
      body.release();
      log.warn("metrics scrape failed: {}", e.toString());
      return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed\n");
    }
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, PrometheusTextFormatWriter.CONTENT_TYPE);
    return r;
  }

  private static FullHttpResponse check(Check check) {
    String problem;
    try {
      problem = check.problem();
    } catch (RuntimeException e) {
      problem = "check failed: " + e;
    }
    return problem == null
        ? text(HttpResponseStatus.OK, "ok\n")
        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, problem + "\n");
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return r;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("ops connection failed: {}", cause.toString());
    ctx.close();
  }
}
