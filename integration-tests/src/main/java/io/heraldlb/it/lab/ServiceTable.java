package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Services as {@code kubectl get svc} prints them. */
public final class ServiceTable {
  private static final List<String> HEADER =
      List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)");

  private ServiceTable() {}

  public static String format(List<Service> services) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Service service : services) {
      rows.add(
          List.of(
              service.getMetadata().getName(),
              service.getSpec().getType(),
              orNone(service.getSpec().getClusterIP()),
              externalIp(service),
              ports(service)));
    }
    int[] widths = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(String.format("%-" + (widths[i] + 3) + "s", row.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /** The ingress IPs, {@code <pending>} for a LoadBalancer without one, else {@code <none>}. */
  public static String externalIp(Service service) {
    List<String> ips = ingressIps(service);
    if (!ips.isEmpty()) {
      return String.join(",", ips);
    }
    return "LoadBalancer".equals(service.getSpec().getType()) ? "<pending>" : "<none>";
  }

  public static List<String> ingressIps(Service service) {
    if (service.getStatus() == null || service.getStatus().getLoadBalancer() == null) {
      return List.of();
    }
    return service.getStatus().getLoadBalancer().getIngress().stream()
        .map(LoadBalancerIngress::getIp)
        .filter(ip -> ip != null && !ip.isEmpty())
        .toList();
  }

  static String ports(Service service) {
    return service.getSpec().getPorts().stream()
        .map(ServiceTable::port)
        .collect(Collectors.joining(","));
  }

  private static String port(ServicePort port) {
    String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
    return port.getNodePort() == null
        ? port.getPort() + "/" + protocol
        : port.getPort() + ":" + port.getNodePort() + "/" + protocol;
  }

  static String orNone(String value) {
    return value == null || value.isEmpty() ? "<none>" : value;
  }
}
