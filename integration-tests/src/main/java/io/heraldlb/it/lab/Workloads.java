package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pods behind the lab's Services, on the real control plane: for every LoadBalancer Service
 * with a selector, one backend Pod per node carrying the selector's labels, at a real address of
 * the {@link PodNetwork}, where a {@link Backend} answers with its node's name. The EndpointSlice
 * controller turns them into the slices the speaker and kube-proxy read, exactly as it would for a
 * Deployment's pods.
 *
 * <p>Services annotated {@value #MANUAL}{@code : manual} get no pods of their own: the test places
 * them with {@link #deploy}.
 */
public final class Workloads {
  public static final String MANUAL = "lab.heraldlb.io/backends";

  private final KubernetesClient client;
  private final PodNetwork network;
  private final Launcher launcher;
  private final Map<String, Pod> pods = new ConcurrentHashMap<>();
  private final Map<String, LabProcess> backends = new ConcurrentHashMap<>();
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "lab-workloads"));
  private final java.util.Set<String> followed = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  Workloads(KubernetesClient client, PodNetwork network, Launcher launcher) {
    this.client = client;
    this.network = network;
    this.launcher = launcher;
  }

  /**
   * Follows the API until the lab closes: Services get their pods, deleted ones lose them. It lists
   * the Services twice a second rather than watching them: the lab's stand-in for a Deployment
   * controller must keep working through every API server and etcd restart the tests inflict, and a
   * list either answers or fails, where a watch can go quiet.
   */
  void follow() {
    worker.scheduleWithFixedDelay(this::syncOnce, 0, 500, TimeUnit.MILLISECONDS);
  }

  private void syncOnce() {
    List<Service> services;
    try {
      services = client.services().inAnyNamespace().list().getItems();
    } catch (RuntimeException apiDown) {
      return; // the API server is away: try again in a moment
    }
    java.util.Set<String> present = new java.util.HashSet<>();
    for (Service service : services) {
      present.add(service.getMetadata().getNamespace() + "/" + service.getMetadata().getName());
      ensure(service);
    }
    for (String key : List.copyOf(followed)) {
      if (!present.contains(key)) {
        followed.remove(key);
        remove(key);
      }
    }
  }

  /**
   * A backend pod {@code APP-NODE} labelled {@code app: APP} on {@code node}, answering on {@code
   * ports}; ready or not. Returns once the backend listens and the pod's status is written.
   */
  public Pod deploy(
      String namespace, String app, List<Integer> ports, LabNode node, boolean ready) {
    return place(namespace, app + "-" + node.name(), Map.of("app", app), ports, node, ready);
  }

  /** Flips the Ready condition of {@code APP-NODE}, as its readiness probe would. */
  public void setReady(String namespace, String app, LabNode node, boolean ready) {
    Pod pod = pods.get(namespace + "/" + app + "-" + node.name());
    if (pod == null) {
      throw new LabException("no pod " + app + "-" + node.name() + " in " + namespace);
    }
    pods.put(namespace + "/" + pod.getMetadata().getName(), Seeds.setReady(client, pod, ready));
  }

  private void ensure(Service service) {
    try {
      var spec = service.getSpec();
      var annotations = service.getMetadata().getAnnotations();
      if (!"LoadBalancer".equals(spec.getType())
          || spec.getSelector() == null
          || spec.getSelector().isEmpty()
          || (annotations != null && "manual".equals(annotations.get(MANUAL)))) {
        return;
      }
      String key = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
      if (followed.contains(key)) {
        return;
      }
      List<Integer> ports = targetPorts(service);
      for (LabNode node : network.nodes()) {
        String name = service.getMetadata().getName() + "-" + node.name();
        place(service.getMetadata().getNamespace(), name, spec.getSelector(), ports, node, true);
      }
      followed.add(key);
    } catch (RuntimeException e) {
      if (stopping) {
        return;
      }
      System.err.println(
          "lab workloads: cannot place the pods of "
              + service.getMetadata().getNamespace()
              + "/"
              + service.getMetadata().getName()
              + ": "
              + e.getMessage());
    }
  }

  private synchronized Pod place(
      String namespace,
      String name,
      Map<String, String> labels,
      List<Integer> ports,
      LabNode node,
      boolean ready) {
    for (int port : ports) {
      backend(node, port);
    }
    String key = namespace + "/" + name;
    Pod existing = pods.get(key);
    if (existing != null) {
      return existing;
    }
    PodNetwork.PodIps ips = network.addPod(node);
    Pod pod =
        Seeds.backendPod(client, namespace, name, labels, node, List.of(ips.v4(), ips.v6()), ready);
    pods.put(key, pod);
    return pod;
  }

  private void remove(String prefix) {
    for (LabNode node : network.nodes()) {
      Pod pod = pods.remove(prefix + "-" + node.name());
      if (pod != null) {
        try {
          client.pods().resource(pod).withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
          System.err.println("lab workloads: cannot delete pod " + pod.getMetadata().getName());
        }
      }
    }
  }

  /** One backend per node and port, on the wildcard address of the node's pod namespace. */
  private LabProcess backend(LabNode node, int port) {
    return backends.computeIfAbsent(
        node.name() + ":" + port,
        key -> {
          LabProcess backend =
              launcher.helper(
                  "backend-" + node.name() + "-" + port,
                  PodNetwork.namespace(node),
                  Backend.class,
                  List.of(node.name(), Integer.toString(port)));
          backend.awaitLog("listening on port", Duration.ofSeconds(20));
          return backend;
        });
  }

  private static List<Integer> targetPorts(Service service) {
    List<Integer> ports = new ArrayList<>();
    for (ServicePort port : service.getSpec().getPorts()) {
      if (port.getProtocol() != null && !"TCP".equals(port.getProtocol())) {
        continue;
      }
      IntOrString target = port.getTargetPort();
      ports.add(target != null && target.getIntVal() != null ? target.getIntVal() : port.getPort());
    }
    return ports;
  }

  void stop() {
    stopping = true;
    worker.shutdownNow();
  }
}
