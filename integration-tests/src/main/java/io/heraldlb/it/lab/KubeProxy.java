package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * kube-proxy as IPVS mode does it, in every node namespace: the Service IP on a local interface
 * (lo: the kernel has no dummy links here) that the kernel never answers ARP for, and a backend on
 * the wildcard address that receives the Service's traffic.
 */
public final class KubeProxy {
  private final List<LabNode> nodes;
  private final Launcher launcher;
  private final Set<String> serviceIps = ConcurrentHashMap.newKeySet();
  private final Map<Integer, List<LabProcess>> backends = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<Service>> informers = new CopyOnWriteArrayList<>();

  KubeProxy(List<LabNode> nodes, Launcher launcher) {
    this.nodes = nodes;
    this.launcher = launcher;
  }

  /** Puts {@code ip} (/32, or /128 without DAD) on lo of every node namespace. Idempotent. */
  public void addServiceIp(String ip) {
    if (!serviceIps.add(ip)) {
      return;
    }
    for (LabNode node : nodes) {
      Cmd.Result result =
          Cmd.run(List.of(node.exec(addressCommand("add", ip))), Cmd.DEFAULT_TIMEOUT);
      if (!result.ok() && !result.err().contains("File exists")) {
        result.orThrow();
      }
    }
  }

  public Set<String> serviceIps() {
    return Set.copyOf(serviceIps);
  }

  /** One backend per node answering on {@code port} with its node name; waits until they listen. */
  public List<LabProcess> startBackends(int port) {
    return backends.computeIfAbsent(
        port,
        p -> {
          List<LabProcess> started = new ArrayList<>();
          for (LabNode node : nodes) {
            started.add(
                launcher.helper(
                    "backend-" + node.name() + "-" + p,
                    node.netns(),
                    Backend.class,
                    List.of(node.name(), Integer.toString(p))));
          }
          for (LabProcess backend : started) {
            backend.awaitLog("listening on port", Duration.ofSeconds(20));
          }
          return List.copyOf(started);
        });
  }

  /**
   * Follows the API: every LoadBalancer ingress IP goes on the nodes' lo and every Service port
   * gets backends, as kube-proxy would set up, until the lab closes.
   */
  public void follow(KubernetesClient client) {
    SharedIndexInformer<Service> informer =
        client
            .services()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Service service) {
                    apply(service);
                  }

                  @Override
                  public void onUpdate(Service before, Service after) {
                    apply(after);
                  }

                  @Override
                  public void onDelete(Service service, boolean unknownFinalState) {}
                });
    informers.add(informer);
  }

  /** Stops following the API (the lab calls this first when it closes). */
  void stop() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
  }

  private void apply(Service service) {
    try {
      applyOrThrow(service);
    } catch (LabException e) {
      System.err.println(
          "lab kube-proxy: cannot set up service "
              + service.getMetadata().getName()
              + ": "
              + e.getMessage());
    }
  }

  private void applyOrThrow(Service service) {
    if (!"LoadBalancer".equals(service.getSpec().getType())) {
      return;
    }
    for (ServicePort port : service.getSpec().getPorts()) {
      if (port.getProtocol() == null || "TCP".equals(port.getProtocol())) {
        startBackends(port.getPort());
      }
    }
    if (service.getStatus() != null && service.getStatus().getLoadBalancer() != null) {
      for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
        if (ingress.getIp() != null) {
          addServiceIp(ingress.getIp());
        }
      }
    }
  }

  private static String[] addressCommand(String verb, String ip) {
    return ip.contains(":")
        ? "add".equals(verb)
            ? new String[] {"ip", "-6", "addr", verb, ip + "/128", "dev", "lo", "nodad"}
            : new String[] {"ip", "-6", "addr", verb, ip + "/128", "dev", "lo"}
        : new String[] {"ip", "addr", verb, ip + "/32", "dev", "lo"};
  }
}
