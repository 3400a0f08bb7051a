package io.heraldlb.it.e2e;

import io.heraldlb.it.lab.Await;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Services coming and going in one namespace: each step creates a Service, and every third step
 * also deletes the oldest one still there. Steps do not wait for the allocator.
 */
final class Churn {
  private final Cluster cluster;
  private final String namespace;
  private final Deque<String> live = new ArrayDeque<>();
  private int created;
  private int deleted;

  Churn(Cluster cluster, String namespace) {
    this.cluster = cluster;
    this.namespace = namespace;
  }

  void steps(int count) {
    for (int i = 0; i < count; i++) {
      String name = "svc-" + created++;
      cluster.create(Cluster.loadBalancer(namespace, name, 80).build());
      live.addLast(name);
      if (created % 3 == 0) {
        String gone = live.removeFirst();
        cluster.kube().services().inNamespace(namespace).withName(gone).delete();
        deleted++;
      }
    }
  }

  /** Waits until every Service still there shows an IP and its pool annotation. */
  void awaitSettled() {
    Await.until(
        "all " + live.size() + " Services in " + namespace + " to show an IP",
        Cluster.TIMEOUT,
        Cluster.POLL,
        () -> {
          List<io.fabric8.kubernetes.api.model.Service> now =
              cluster.kube().services().inNamespace(namespace).list().getItems();
          return now.size() == live.size() && now.stream().allMatch(Cluster::settled);
        });
  }

  int created() {
    return created;
  }

  int deleted() {
    return deleted;
  }
}
