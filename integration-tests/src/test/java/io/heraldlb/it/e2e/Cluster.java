package io.heraldlb.it.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.Manifests;
import io.heraldlb.it.lab.ServiceTable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** What the scenarios do to the lab's API, the way a user would with kubectl. */
final class Cluster {
  static final String CONFIG_MAP = Lab.POOL_CONFIG_MAP;
  static final String POOL_ANNOTATION = "heraldlb.io/ip-allocated-from-pool";
  static final String SHARED_IP = "heraldlb.io/allow-shared-ip";
  static final String REQUESTED_IPS = "heraldlb.io/loadBalancerIPs";
  static final String POOL_REQUEST = "heraldlb.io/address-pool";
  static final Duration TIMEOUT = Duration.ofSeconds(45);

  /** How often to ask the API while waiting: often enough, without loading the API server. */
  static final Duration POLL = Duration.ofMillis(50);

  private final Lab lab;
  private final KubernetesClient kube;
  private final Manifests manifests;

  Cluster(Lab lab) {
    this.lab = lab;
    this.kube = lab.kube();
    this.manifests = new Manifests(lab.api());
  }

  KubernetesClient kube() {
    return kube;
  }

  Manifests manifests() {
    return manifests;
  }

  void createNamespace(String name) {
    kube.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .createOr(NonDeletingOperation::update);
  }

  /** Replaces the pool ConfigMap's data with {@code pools.conf}. */
  ConfigMap applyPools(String hocon) {
    return applyConfigData(Map.of("pools.conf", hocon));
  }

  /** Replaces the pool ConfigMap's data with the legacy {@code config} key. */
  ConfigMap applyLegacyPools(String yaml) {
    return applyConfigData(Map.of("config", yaml));
  }

  private ConfigMap applyConfigData(Map<String, String> data) {
    return lab.applyPoolConfigMap(data);
  }

  /** A LoadBalancer Service selecting {@code app: NAME} with TCP ports, before extras are set. */
  static ServiceBuilder loadBalancer(String namespace, String name, int... ports) {
    ServiceBuilder b =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .addToSelector("app", name)
            .endSpec();
    for (int port : ports) {
      b.editSpec()
          .addNewPort()
          .withName("p" + port)
          .withPort(port)
          .withNewTargetPort(port)
          .withProtocol("TCP")
          .endPort()
          .endSpec();
    }
    return b;
  }

  /** Creates it as {@code kubectl apply} would (cluster IP and node ports filled in). */
  Service create(Service service) {
    return (Service) manifests.apply(service);
  }

  Service get(String namespace, String name) {
    return kube.services().inNamespace(namespace).withName(name).get();
  }

  /** Waits until the Service shows an IP and the allocator's pool annotation (its last write). */
  Service awaitIp(String namespace, String name) {
    return await(namespace, name, "an EXTERNAL-IP and its pool annotation", Cluster::settled);
  }

  /** Waits until the Service shows exactly {@code ip}, and the pool annotation. */
  Service awaitIp(String namespace, String name, String ip) {
    return await(
        namespace,
        name,
        "EXTERNAL-IP " + ip,
        s -> settled(s) && ServiceTable.ingressIps(s).equals(List.of(ip)));
  }

  Service await(String namespace, String name, String what, Predicate<Service> condition) {
    return Await.value(
        namespace + "/" + name + " to show " + what,
        TIMEOUT,
        POLL,
        () -> Optional.ofNullable(get(namespace, name)).filter(condition));
  }

  static boolean settled(Service s) {
    return !ServiceTable.ingressIps(s).isEmpty()
        && s.getMetadata().getAnnotations() != null
        && s.getMetadata().getAnnotations().containsKey(POOL_ANNOTATION);
  }

  static String ip(Service s) {
    List<String> ips = ServiceTable.ingressIps(s);
    if (ips.size() != 1) {
      throw new AssertionError(s.getMetadata().getName() + " has IPs " + ips);
    }
    return ips.get(0);
  }

  static String pool(Service s) {
    return s.getMetadata().getAnnotations().get(POOL_ANNOTATION);
  }

  /** The Events about one object, oldest first (the lab's API cannot filter by field). */
  List<Event> events(String namespace, String objectName) {
    return kube.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> objectName.equals(e.getInvolvedObject().getName()))
        .sorted(
            java.util.Comparator.comparing(
                (Event e) -> String.valueOf(e.getMetadata().getCreationTimestamp())))
        .toList();
  }

  /** Waits for an Event with {@code reason} about the object, not among {@code seenBefore}. */
  Event awaitEvent(String namespace, String objectName, String reason, Set<String> seenBefore) {
    return Await.value(
        "a " + reason + " event on " + namespace + "/" + objectName,
        TIMEOUT,
        POLL,
        () ->
            events(namespace, objectName).stream()
                .filter(e -> reason.equals(e.getReason()))
                .filter(e -> !seenBefore.contains(e.getMetadata().getName()))
                .findFirst());
  }

  Event awaitEvent(String namespace, String objectName, String reason) {
    return awaitEvent(namespace, objectName, reason, Set.of());
  }

  /** Names of the Events about an object so far, to tell new ones apart later. */
  Set<String> eventNames(String namespace, String objectName) {
    return events(namespace, objectName).stream()
        .map(e -> e.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  /**
   * What {@code kubectl get svc -A -o yaml} would show of each Service that matters here: its
   * resourceVersion, IPs and pool. Two equal snapshots mean nothing was written to any Service.
   */
  Map<String, String> snapshot(String... namespaces) {
    Map<String, String> out = new TreeMap<>();
    for (String ns : namespaces) {
      for (Service s : kube.services().inNamespace(ns).list().getItems()) {
        Map<String, String> annotations =
            s.getMetadata().getAnnotations() == null
                ? Map.of()
                : new LinkedHashMap<>(s.getMetadata().getAnnotations());
        out.put(
            ns + "/" + s.getMetadata().getName(),
            "rv="
                + s.getMetadata().getResourceVersion()
                + " ips="
                + ServiceTable.ingressIps(s)
                + " pool="
                + annotations.get(POOL_ANNOTATION));
      }
    }
    return out;
  }

  /**
   * Deletes every Service in the namespaces and waits until they are gone — but {@code
   * default/kubernetes}, the API server's own, which it would recreate at once.
   */
  void deleteServices(String... namespaces) {
    for (String ns : namespaces) {
      for (Service s : ours(ns)) {
        kube.services().inNamespace(ns).withName(s.getMetadata().getName()).delete();
      }
    }
    Await.until(
        "the Services of " + List.of(namespaces) + " to be gone",
        TIMEOUT,
        POLL,
        () -> {
          for (String ns : namespaces) {
            if (!ours(ns).isEmpty()) {
              return false;
            }
          }
          return true;
        });
  }

  private List<Service> ours(String namespace) {
    return kube.services().inNamespace(namespace).list().getItems().stream()
        .filter(
            s -> !("default".equals(namespace) && "kubernetes".equals(s.getMetadata().getName())))
        .toList();
  }
}
