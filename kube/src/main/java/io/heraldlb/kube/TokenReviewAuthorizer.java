package io.heraldlb.kube;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.heraldlb.runtime.ScrapeAuthorizer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes authorised the way Kubernetes' own components authorise theirs: a TokenReview says who
 * holds the bearer token, a SubjectAccessReview whether that identity may {@code get} the path (a
 * non-resource URL, granted by a ClusterRole rule {@code nonResourceURLs: ["/metrics"]}).
 *
 * <p>Verdicts are kept per token (by its SHA-256, never the token itself): an allowed one for
 * {@link #ALLOWED_FOR}, a refused one for {@link #REFUSED_FOR}, so a Prometheus scraping every 30 s
 * costs the API two requests a minute per target at most, and a revoked right stops working within
 * a minute. At most {@link #IN_FLIGHT} reviews run at a time; a scrape beyond that is told to come
 * back (503), so a flood of made-up tokens costs the API server a bounded rate, not one review
 * each.
 */
public final class TokenReviewAuthorizer implements ScrapeAuthorizer {
  private static final Logger log = LoggerFactory.getLogger(TokenReviewAuthorizer.class);

  static final Duration ALLOWED_FOR = Duration.ofMinutes(1);
  static final Duration REFUSED_FOR = Duration.ofSeconds(10);
  static final int IN_FLIGHT = 4;
  static final int REMEMBERED = 1024;

  private record Kept(Verdict verdict, long until) {}

  private final KubernetesClient client;
  private final Executor executor;
  private final LongSupplier nanos;
  private final ConcurrentHashMap<String, Kept> kept = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Reviews run on {@code executor} (they block on the API); {@code nanos} is the clock. */
  public TokenReviewAuthorizer(KubernetesClient client, Executor executor, LongSupplier nanos) {
    this.client = client;
    this.executor = executor;
    this.nanos = nanos;
  }

  @Override
  public CompletionStage<Verdict> authorize(String token, String path) {
    String key = digest(token) + " " + path;
    Kept k = kept.get(key);
    if (k != null && k.until - nanos.getAsLong() > 0) {
      return CompletableFuture.completedFuture(k.verdict);
    }
    if (inFlight.incrementAndGet() > IN_FLIGHT) {
      inFlight.decrementAndGet();
      return CompletableFuture.completedFuture(Verdict.UNAVAILABLE);
    }
    CompletableFuture<Verdict> verdict;
    try {
      verdict = CompletableFuture.supplyAsync(() -> review(token, path), executor);
    } catch (RuntimeException rejected) {
      inFlight.decrementAndGet();
      return CompletableFuture.completedFuture(Verdict.UNAVAILABLE);
    }
    return verdict.whenComplete(
        (v, e) -> {
          inFlight.decrementAndGet();
          if (v != null && v != Verdict.UNAVAILABLE) {
            keep(key, v);
          }
        });
  }

  private void keep(String key, Verdict v) {
    long now = nanos.getAsLong();
    if (kept.size() >= REMEMBERED) {
      kept.values().removeIf(k -> k.until - now <= 0);
      if (kept.size() >= REMEMBERED) {
        kept.clear();
      }
    }
    Duration ttl = v == Verdict.ALLOWED ? ALLOWED_FOR : REFUSED_FOR;
    kept.put(key, new Kept(v, now + ttl.toNanos()));
  }

  private Verdict review(String token, String path) {
    try {
      TokenReview review =
          client
              .resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build())
              .create();
      if (review.getStatus() == null
          || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
          || review.getStatus().getUser() == null) {
        return Verdict.UNAUTHENTICATED;
      }
      UserInfo user = review.getStatus().getUser();
      SubjectAccessReview access =
          client
              .resource(
                  new SubjectAccessReviewBuilder()
                      .withNewSpec()
                      .withUser(user.getUsername())
                      .withUid(user.getUid())
                      .withGroups(user.getGroups())
                      .withExtra(user.getExtra())
                      .withNewNonResourceAttributes()
                      .withPath(path)
                      .withVerb("get")
                      .endNonResourceAttributes()
                      .endSpec()
                      .build())
              .create();
      boolean allowed =
          access.getStatus() != null && Boolean.TRUE.equals(access.getStatus().getAllowed());
      if (!allowed) {
        log.info("refused a scrape of {} by {}", path, user.getUsername());
      }
      return allowed ? Verdict.ALLOWED : Verdict.FORBIDDEN;
    } catch (KubernetesClientException e) {
      log.warn("cannot review a scrape's token: {}", e.getMessage());
      return Verdict.UNAVAILABLE;
    }
  }

  private static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
