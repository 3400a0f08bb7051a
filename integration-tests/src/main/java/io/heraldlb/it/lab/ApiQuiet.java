package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Detects a quiet API: the fingerprint (uid and resourceVersion of every watched object) has not
 * changed for a while. See {@link Lab#awaitApiQuiet}.
 */
final class ApiQuiet {
  private static final Duration POLL = Duration.ofMillis(100);

  private ApiQuiet() {}

  static void await(KubernetesClient client, Duration quietFor, Duration timeout) {
    String[] last = {null};
    long[] since = {System.nanoTime()};
    Await.value(
        "the API to be quiet for " + quietFor.toMillis() + " ms",
        timeout,
        POLL,
        () -> {
          String now = fingerprint(client);
          long t = System.nanoTime();
          if (!now.equals(last[0])) {
            last[0] = now;
            since[0] = t;
            return Optional.empty();
          }
          return t - since[0] >= quietFor.toNanos() ? Optional.of(true) : Optional.empty();
        });
  }

  static String fingerprint(KubernetesClient client) {
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(client.services().inAnyNamespace().list().getItems());
    all.addAll(client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems());
    all.addAll(client.configMaps().inAnyNamespace().list().getItems());
    all.addAll(client.nodes().list().getItems());
    all.addAll(client.pods().inAnyNamespace().list().getItems());
    return all.stream()
        .map(o -> o.getMetadata().getUid() + "@" + o.getMetadata().getResourceVersion())
        .sorted()
        .reduce("", (a, b) -> a + " " + b);
  }
}
