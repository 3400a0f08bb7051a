package io.heraldlb.it.e2e;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.heraldlb.it.lab.ServiceTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches the Services of a namespace and checks, on every change, that no Service ever changes its
 * IP or loses it, and that no IP is ever shown by two Services at once. The informer's cache is the
 * API's state at some point of its event stream, so every check sees a state that existed.
 */
final class IpWatch implements AutoCloseable {
  private final SharedIndexInformer<Service> informer;
  private final Map<String, List<String>> firstIps = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();

  IpWatch(KubernetesClient kube, String namespace) {
    informer =
        kube.services()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Service s) {
                    check(s);
                  }

                  @Override
                  public void onUpdate(Service before, Service after) {
                    check(after);
                  }

                  @Override
                  public void onDelete(Service s, boolean unknownFinalState) {}
                });
  }

  private void check(Service s) {
    String uid = s.getMetadata().getUid();
    String name = s.getMetadata().getName();
    List<String> ips = ServiceTable.ingressIps(s);
    List<String> first = ips.isEmpty() ? firstIps.get(uid) : firstIps.putIfAbsent(uid, ips);
    if (first != null && !first.equals(ips)) {
      violations.add(name + " changed from " + first + " to " + ips);
    }
    Map<String, Set<String>> holders = new HashMap<>();
    for (Service other : informer.getStore().list()) {
      for (String ip : ServiceTable.ingressIps(other)) {
        holders.computeIfAbsent(ip, k -> new TreeSet<>()).add(other.getMetadata().getName());
      }
    }
    holders.forEach(
        (ip, names) -> {
          if (names.size() > 1) {
            violations.add(ip + " is on " + names + " at once");
          }
        });
  }

  /** Every violation seen so far, in order. */
  List<String> violations() {
    return List.copyOf(violations);
  }

  /** How many distinct Services (by uid) have shown an IP. */
  int servicesWithIps() {
    return firstIps.size();
  }

  /** Close only while the API is quiet (see {@code Lab.awaitApiQuiet}). */
  @Override
  public void close() {
    informer.close();
  }
}
