package io.heraldlb.runtime;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether the holder of a bearer token may read {@code /metrics}. The ops server asks it
 * for every scrape that carries a token when authorization is on; probes are never asked (the
 * kubelet sends no token, and a failing probe would restart a working program).
 */
@FunctionalInterface
public interface ScrapeAuthorizer {
  /** What the ops server answers; the verdict decides the status code. */
  enum Verdict {
    /** 200 and the metrics. */
    ALLOWED,
    /** 401: the token names nobody (unknown, expired, malformed). */
    UNAUTHENTICATED,
    /** 403: a known identity without the right to read the path. */
    FORBIDDEN,
    /** 503: the decision could not be made now (API unreachable, too many checks in flight). */
    UNAVAILABLE
  }

  /**
   * The verdict on {@code token} for a GET of {@code path}. Must not block the caller (the ops
   * server's only event-loop thread) and should complete normally; an exceptional completion counts
   * as {@link Verdict#UNAVAILABLE}.
   */
  CompletionStage<Verdict> authorize(String token, String path);
}
