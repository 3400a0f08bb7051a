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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes {@code /metrics}, {@code /healthz} and {@code /readyz}. */
final class OpsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(OpsHandler.class);
  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

  private final PrometheusRegistry registry;
  private final Check health;
  private final Check readiness;

  OpsHandler(PrometheusRegistry registry, Check health, Check readiness) {
    this.registry = registry;
    this.health = health;
    this.readiness = readiness;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    FullHttpResponse response;
    String path = request.uri();
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    if (!request.decoderResult().isSuccess()) {
      response = text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
    } else if (!HttpMethod.GET.equals(request.method())
        && !HttpMethod.HEAD.equals(request.method())) {
      response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n");
    } else {
      response =
          switch (path) {
            case "/metrics" -> metrics(ctx);
            case "/healthz" -> check(health);
            case "/readyz" -> check(readiness);
            default -> text(HttpResponseStatus.NOT_FOUND, "try /metrics, /healthz or /readyz\n");
          };
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (HttpMethod.HEAD.equals(request.method())) {
      response.content().clear();
    }
    if (keepAlive) {
      HttpUtil.setKeepAlive(response, true);
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
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
