package io.heraldlb.allocator;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.heraldlb.kube.LoadBalancerServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/** Helpers for allocator tests against fabric8's CRUD mock API server. */
final class MockCluster {
  static final String NS = "heraldlb-system";
  static final String CM = "heraldlb-config";
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final List<Allocator> started = new ArrayList<>();
  final List<String> lostLeases = new java.util.concurrent.CopyOnWriteArrayList<>();

  MockCluster(KubernetesClient client) {
    this.client = client;
  }

  static AllocatorSettings settings(String identity, String lbClass) {
    return new AllocatorSettings(
        NS,
        CM,
        "metallb-system",
        lbClass,
        0,
        java.net.InetAddress.getLoopbackAddress(),
        "",
        false,
        identity,
        Duration.ofSeconds(2),
        Duration.ofMillis(1500),
        Duration.ofMillis(200),
        Duration.ofMillis(50),
        Duration.ofSeconds(1),
        List.of(),
        "");
  }

  Allocator startAllocator(String identity) throws InterruptedException {
    return startAllocator(identity, "");
  }

  Allocator startAllocator(String identity, String lbClass) throws InterruptedException {
    Allocator a =
        new Allocator(client, settings(identity, lbClass), () -> lostLeases.add(identity));
    started.add(a);
    a.start();
    return a;
  }

  void closeAll() {
    // Quiet everything before any watch closes (the mock API server stalls on a watch that closes
    // while it sends an event).
    started.forEach(Allocator::resign);
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    started.forEach(Allocator::close);
    started.clear();
  }

  void pools(String hocon) {
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(CM)
                .withNamespace(NS)
                .endMetadata()
                .withData(Map.of("pools.conf", hocon))
                .build())
        .createOr(c -> c.update());
  }

  Service createService(String ns, String name, UnaryOperator<ServiceBuilder> customise) {
    ServiceBuilder b =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .addNewPort()
            .withProtocol("TCP")
            .withPort(80)
            .endPort()
            .endSpec();
    return client.services().inNamespace(ns).resource(customise.apply(b).build()).create();
  }

  Service service(String ns, String name) {
    return client.services().inNamespace(ns).withName(name).get();
  }

  List<String> ips(String ns, String name) {
    Service s = service(ns, name);
    return s == null
        ? List.of()
        : LoadBalancerServices.ingressIps(s).stream().map(Object::toString).toList();
  }

  List<String> awaitIps(String ns, String name) {
    await(() -> !ips(ns, name).isEmpty(), "an IP for " + ns + "/" + name);
    return ips(ns, name);
  }

  /** Events about one object, as "Type Reason: message". */
  List<String> events(String ns, String name) {
    List<String> out = new ArrayList<>();
    for (Event e : client.v1().events().inNamespace(ns).list().getItems()) {
      if (name.equals(e.getInvolvedObject().getName())) {
        out.add(e.getType() + " " + e.getReason() + ": " + e.getMessage());
      }
    }
    return out;
  }

  String awaitEvent(String ns, String name, String prefix) {
    String[] found = new String[1];
    await(
        () -> {
          for (String e : events(ns, name)) {
            if (e.startsWith(prefix)) {
              found[0] = e;
              return true;
            }
          }
          return false;
        },
        "an event '" + prefix + "' on " + ns + "/" + name + " (have " + events(ns, name) + ")");
    return found[0];
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
