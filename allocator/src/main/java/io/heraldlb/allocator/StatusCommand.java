package io.heraldlb.allocator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.heraldlb.config.IpAddress;
import io.heraldlb.kube.LoadBalancerServices;
import io.heraldlb.kube.StatusObjects;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code heraldlb-allocator.jar status}: the pools with their addresses in use and free (the
 * leader's PoolUsage objects) and every Service HeraldLB handles with its IPs, pool and the node
 * and interfaces announcing each IP (the speakers' Announcement objects). Read-only; it needs to
 * list Services cluster-wide and those two kinds in HeraldLB's namespace, as kubectl would.
 */
final class StatusCommand {
  private StatusCommand() {}

  static final String POOL_ANNOTATION = "heraldlb.io/ip-allocated-from-pool";
  static final String METALLB_POOL_ANNOTATION = "metallb.io/ip-allocated-from-pool";

  static int run(KubernetesClient client, String namespace, String lbClass, PrintStream out) {
    List<GenericKubernetesResource> pools;
    List<GenericKubernetesResource> announcements;
    List<Service> services;
    try {
      pools =
          client
              .genericKubernetesResources(PoolUsageWriter.CONTEXT)
              .inNamespace(namespace)
              .list()
              .getItems();
      announcements =
          client
              .genericKubernetesResources(StatusObjects.ANNOUNCEMENTS)
              .inNamespace(namespace)
              .list()
              .getItems();
      services = client.services().inAnyNamespace().list().getItems();
    } catch (KubernetesClientException e) {
      System.err.println("heraldlb-allocator status: cannot read the cluster: " + e.getMessage());
      return 1;
    }
    out.print(format(pools, announcements, services, lbClass));
    return 0;
  }

  static String format(
      List<GenericKubernetesResource> pools,
      List<GenericKubernetesResource> announcements,
      List<Service> services,
      String lbClass) {
    List<List<String>> poolRows = new ArrayList<>();
    poolRows.add(List.of("POOL", "FAMILIES", "ADDRESSES", "IN USE", "FREE"));
    pools.stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .forEach(
            p -> {
              Map<?, ?> s = status(p);
              poolRows.add(
                  List.of(
                      p.getMetadata().getName(),
                      text(s.get("families")),
                      text(s.get("addresses")),
                      text(s.get("inUse")),
                      text(s.get("free"))));
            });
    Map<String, Map<?, ?>> byIp = new HashMap<>();
    for (GenericKubernetesResource a : announcements) {
      Map<?, ?> s = status(a);
      if (s.get("ip") instanceof String ip) {
        IpAddress parsed = IpAddress.tryParse(ip);
        byIp.put(parsed == null ? ip : parsed.toString(), s);
      }
    }
    List<List<String>> serviceRows = new ArrayList<>();
    serviceRows.add(List.of("SERVICE", "IP", "POOL", "ANNOUNCED BY", "INTERFACES", "SINCE"));
    services.stream()
        .filter(s -> LoadBalancerServices.handles(s, lbClass))
        .sorted(
            Comparator.comparing(
                (Service s) -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()))
        .forEach(
            s -> {
              String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
              String pool = pool(s);
              List<IpAddress> ips = LoadBalancerServices.ingressIps(s);
              if (ips.isEmpty()) {
                serviceRows.add(List.of(key, "<pending>", pool, "", "", ""));
              }
              for (IpAddress ip : ips) {
                Map<?, ?> a = byIp.get(ip.toString());
                serviceRows.add(
                    List.of(
                        key,
                        ip.toString(),
                        pool,
                        a == null ? "<nobody>" : text(a.get("node")),
                        a == null ? "" : text(a.get("interfaces")),
                        a == null ? "" : text(a.get("since"))));
              }
            });
    StringBuilder b = new StringBuilder();
    table(b, poolRows);
    if (pools.isEmpty()) {
      b.append("(no PoolUsage objects: no allocator leads, or it has no pool yet)\n");
    }
    b.append('\n');
    table(b, serviceRows);
    return b.toString();
  }

  private static String pool(Service s) {
    Map<String, String> annotations = s.getMetadata().getAnnotations();
    if (annotations == null) {
      return "";
    }
    String pool = annotations.get(POOL_ANNOTATION);
    return pool != null ? pool : annotations.getOrDefault(METALLB_POOL_ANNOTATION, "");
  }

  private static Map<?, ?> status(GenericKubernetesResource r) {
    Object s = r.getAdditionalProperties().get("status");
    return s instanceof Map<?, ?> m ? m : Map.of();
  }

  private static String text(@Nullable Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof List<?> l) {
      return String.join(",", l.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  private static void table(StringBuilder b, List<List<String>> rows) {
    int[] width = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(
            i == row.size() - 1
                ? row.get(i)
                : String.format("%-" + (width[i] + 3) + "s", row.get(i)));
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
