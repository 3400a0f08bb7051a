package io.heraldlb.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.heraldlb.runtime.ScrapeAuthorizer.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(https = false)
class TokenReviewAuthorizerTest {
  private static final String REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
  private static final String ACCESS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

  KubernetesMockServer server;
  KubernetesClient client;
  long now = 1_000_000_000L;

  private TokenReviewAuthorizer authorizer() {
    return new TokenReviewAuthorizer(client, Runnable::run, () -> now);
  }

  private void tokenNames(String user, int times) {
    server
        .expect()
        .post()
        .withPath(REVIEWS)
        .andReturn(
            201,
            new TokenReviewBuilder()
                .withNewStatus()
                .withAuthenticated(true)
                .withNewUser()
                .withUsername(user)
                .withUid("uid-1")
                .withGroups("system:serviceaccounts", "system:authenticated")
                .endUser()
                .endStatus()
                .build())
        .times(times);
  }

  private void accessIs(boolean allowed) {
    server
        .expect()
        .post()
        .withPath(ACCESS)
        .andReturn(
            201,
            new SubjectAccessReviewBuilder()
                .withNewStatus()
                .withAllowed(allowed)
                .endStatus()
                .build())
        .once();
  }

  private Verdict verdict(TokenReviewAuthorizer a, String token) throws Exception {
    return a.authorize(token, "/metrics").toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private List<RecordedRequest> requests() throws InterruptedException {
    List<RecordedRequest> all = new ArrayList<>();
    for (RecordedRequest r; (r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null; ) {
      all.add(r);
    }
    return all;
  }

  @Test
  void aTokenWhoseIdentityRbacAllowsMayScrapeAndTheVerdictIsKeptForAMinute() throws Exception {
    tokenNames("system:serviceaccount:monitoring:prometheus", 2);
    accessIs(true);
    accessIs(true);
    TokenReviewAuthorizer a = authorizer();
    assertEquals(Verdict.ALLOWED, verdict(a, "token-1"));
    List<RecordedRequest> first = requests();
    assertEquals(List.of(REVIEWS, ACCESS), first.stream().map(RecordedRequest::getPath).toList());
    assertTrue(first.get(0).getBody().readUtf8().contains("\"token\":\"token-1\""));
    String access = first.get(1).getBody().readUtf8();
    for (String expected :
        List.of(
            "\"user\":\"system:serviceaccount:monitoring:prometheus\"",
            "\"uid\":\"uid-1\"",
            "\"groups\":[\"system:serviceaccounts\",\"system:authenticated\"]",
            "\"nonResourceAttributes\":{\"path\":\"/metrics\",\"verb\":\"get\"}")) {
      assertTrue(access.contains(expected), expected + " in " + access);
    }

    now += TokenReviewAuthorizer.ALLOWED_FOR.toNanos() - 1;
    assertEquals(Verdict.ALLOWED, verdict(a, "token-1"));
    assertEquals(List.of(), requests(), "kept: no review within the minute");
    now += 2;
    assertEquals(Verdict.ALLOWED, verdict(a, "token-1"));
    assertEquals(2, requests().size(), "reviewed again after it");
  }

  @Test
  void aKnownIdentityWithoutTheRightIsForbidden() throws Exception {
    tokenNames("system:serviceaccount:default:nosy", 1);
    accessIs(false);
    assertEquals(Verdict.FORBIDDEN, verdict(authorizer(), "token-2"));
  }

  @Test
  void aTokenNobodyHoldsIsUnauthenticatedWithoutAnAccessReview() throws Exception {
    server
        .expect()
        .post()
        .withPath(REVIEWS)
        .andReturn(
            201,
            new TokenReviewBuilder()
                .withNewStatus()
                .withAuthenticated(false)
                .withError("invalid bearer token")
                .endStatus()
                .build())
        .once();
    TokenReviewAuthorizer a = authorizer();
    assertEquals(Verdict.UNAUTHENTICATED, verdict(a, "forged"));
    assertEquals(List.of(REVIEWS), requests().stream().map(RecordedRequest::getPath).toList());
    assertEquals(Verdict.UNAUTHENTICATED, verdict(a, "forged"));
    assertEquals(List.of(), requests(), "a refusal is kept for a while too");
  }

  @Test
  void aReviewTheApiRefusesMakesTheScrapeComeBackAndIsNotKept() throws Exception {
    // as when the overlay's ClusterRole is missing: the API forbids HeraldLB the review
    server.expect().post().withPath(REVIEWS).andReturn(403, "cannot create tokenreviews").once();
    tokenNames("system:serviceaccount:monitoring:prometheus", 1);
    accessIs(true);
    TokenReviewAuthorizer a = authorizer();
    assertEquals(Verdict.UNAVAILABLE, verdict(a, "token-3"));
    assertEquals(Verdict.ALLOWED, verdict(a, "token-3"), "asked again at once");
  }

  @Test
  void atMostFourReviewsWaitAtATimeAndTheRestAreToldToComeBack() throws Exception {
    List<Runnable> queued = new ArrayList<>();
    TokenReviewAuthorizer a = new TokenReviewAuthorizer(client, queued::add, () -> now);
    for (int i = 0; i < TokenReviewAuthorizer.IN_FLIGHT; i++) {
      assertTrue(!a.authorize("t" + i, "/metrics").toCompletableFuture().isDone());
    }
    assertEquals(
        Verdict.UNAVAILABLE,
        a.authorize("one-more", "/metrics").toCompletableFuture().getNow(null));
    assertEquals(TokenReviewAuthorizer.IN_FLIGHT, queued.size());
  }
}
