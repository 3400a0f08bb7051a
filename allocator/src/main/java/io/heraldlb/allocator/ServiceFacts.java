package io.heraldlb.allocator;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.heraldlb.allocator.ipam.FamilyPolicy;
import io.heraldlb.allocator.ipam.Port;
import io.heraldlb.allocator.ipam.ServiceKey;
import io.heraldlb.allocator.ipam.ServiceRequest;
import io.heraldlb.config.Family;
import io.heraldlb.config.IpAddress;
import io.heraldlb.kube.LoadBalancerServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The edge between a fabric8 {@link Service} and the IPAM core: the annotations HeraldLB reads (and
 * their MetalLB aliases), and the conversion to a {@link ServiceRequest}. Annotation values are
 * user input: anything malformed becomes an {@link InvalidService} that names the annotation and
 * the bad value.
 */
final class ServiceFacts {
  static final String IPS = "heraldlb.io/loadBalancerIPs";
  static final String POOL = "heraldlb.io/address-pool";
  static final String SHARED = "heraldlb.io/allow-shared-ip";
  static final String ALLOCATED_FROM = "heraldlb.io/ip-allocated-from-pool";

  /** What MetalLB's controller writes; kept up to date where a Service carries it. */
  static final String METALLB_ALLOCATED_FROM = "metallb.io/ip-allocated-from-pool";

  static final int MAX_REQUESTED_IPS_CHARS = 256;

  /**
   * Each request annotation HeraldLB reads: its own spelling first, then those of MetalLB, kube-vip
   * and Cilium's LB IPAM, so that their users switch without re-annotating (the values have the
   * same syntax: comma-separated IPs, a pool name, a sharing key).
   */
  private static final Map<String, List<String>> SPELLINGS =
      Map.of(
          "loadBalancerIPs",
          List.of(
              IPS,
              "metallb.io/loadBalancerIPs",
              "metallb.universe.tf/loadBalancerIPs",
              "kube-vip.io/loadbalancerIPs",
              "lbipam.cilium.io/ips"),
          "address-pool",
          List.of(POOL, "metallb.io/address-pool", "metallb.universe.tf/address-pool"),
          "allow-shared-ip",
          List.of(
              SHARED,
              "metallb.io/allow-shared-ip",
              "metallb.universe.tf/allow-shared-ip",
              "lbipam.cilium.io/sharing-key"));

  private ServiceFacts() {}

  static final class InvalidService extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidService(String message) {
      super(message);
    }
  }

  static ServiceKey key(Service s) {
    return new ServiceKey(s.getMetadata().getNamespace(), s.getMetadata().getName());
  }

  /**
   * @param namespaceLabels the labels of the Service's namespace
   */
  static ServiceRequest toRequest(Service s, Map<String, String> namespaceLabels)
      throws InvalidService {
    ServiceSpec spec = s.getSpec();
    Map<String, String> annotations =
        Objects.requireNonNullElse(s.getMetadata().getAnnotations(), Map.of());
    Map<String, String> labels = Objects.requireNonNullElse(s.getMetadata().getLabels(), Map.of());
    boolean local = "Local".equals(spec.getExternalTrafficPolicy());
    return new ServiceRequest(
        key(s),
        labels,
        namespaceLabels,
        families(spec),
        FamilyPolicy.fromKubernetes(spec.getIpFamilyPolicy()),
        requestedIps(annotations, spec.getLoadBalancerIP()),
        requestedPool(annotations),
        sharingKey(annotations),
        ports(spec),
        local,
        local ? selectorKey(spec.getSelector()) : "",
        LoadBalancerServices.ingressIps(s));
  }

  /**
   * The request with each malformed annotation left out, and the others kept: used to keep a
   * Service's existing IPs at start-up even when a typo in its annotations stops anything new being
   * allocated. The sharing key is kept as written even when malformed: it only has to match the key
   * of the Services sharing the IP, and dropping it would make one of them lose the IP.
   */
  static ServiceRequest toLenientRequest(Service s, Map<String, String> namespaceLabels) {
    try {
      return toRequest(s, namespaceLabels);
    } catch (InvalidService e) {
      ServiceSpec spec = s.getSpec();
      Map<String, String> annotations =
          Objects.requireNonNullElse(s.getMetadata().getAnnotations(), Map.of());
      Map<String, String> labels =
          Objects.requireNonNullElse(s.getMetadata().getLabels(), Map.of());
      boolean local = "Local".equals(spec.getExternalTrafficPolicy());
      String sharing = annotation(annotations, "allow-shared-ip");
      return new ServiceRequest(
          key(s),
          labels,
          namespaceLabels,
          families(spec),
          FamilyPolicy.fromKubernetes(spec.getIpFamilyPolicy()),
          orElse(() -> requestedIps(annotations, spec.getLoadBalancerIP()), List.of()),
          lenientPool(annotations),
          sharing == null || sharing.isBlank() ? null : sharing,
          ports(spec),
          local,
          local ? selectorKey(spec.getSelector()) : "",
          LoadBalancerServices.ingressIps(s));
    }
  }

  private interface Parse<T> {
    T get() throws InvalidService;
  }

  private static <T> T orElse(Parse<T> parse, T fallback) {
    try {
      return parse.get();
    } catch (InvalidService e) {
      return fallback;
    }
  }

  private static @Nullable String lenientPool(Map<String, String> annotations) {
    try {
      return requestedPool(annotations);
    } catch (InvalidService e) {
      return null;
    }
  }

  private static List<Family> families(ServiceSpec spec) {
    List<Family> families = new ArrayList<>();
    for (String f : Objects.requireNonNullElse(spec.getIpFamilies(), List.<String>of())) {
      Family family = Family.fromKubernetesName(f);
      if (family != null && !families.contains(family)) {
        families.add(family);
      }
    }
    return families;
  }

  /** The value of {@code heraldlb.io/<name>} or one of its aliases; the first one set wins. */
  static @Nullable String annotation(Map<String, String> annotations, String name) {
    return annotations.get(annotationName(annotations, name));
  }

  /** The spelling of {@code name} the Service uses, or HeraldLB's own if it uses none. */
  private static String annotationName(Map<String, String> annotations, String name) {
    List<String> spellings = SPELLINGS.get(name);
    if (spellings == null) {
      throw new IllegalArgumentException("no annotation " + name);
    }
    for (String spelling : spellings) {
      if (annotations.containsKey(spelling)) {
        return spelling;
      }
    }
    return spellings.get(0);
  }

  static List<IpAddress> requestedIps(
      Map<String, String> annotations, @Nullable String loadBalancerIp) throws InvalidService {
    String listed = annotation(annotations, "loadBalancerIPs");
    List<IpAddress> ips = new ArrayList<>();
    if (listed != null) {
      String name = annotationName(annotations, "loadBalancerIPs");
      // Bounded before anything is parsed: one IP per family, so a few dozen characters at most.
      if (listed.length() > MAX_REQUESTED_IPS_CHARS) {
        throw new InvalidService(
            "annotation "
                + name
                + ": "
                + listed.length()
                + " characters is more than the "
                + MAX_REQUESTED_IPS_CHARS
                + " that one IP per family can take");
      }
      for (String part : listed.split(",", -1)) {
        String text = part.strip();
        IpAddress ip = IpAddress.tryParse(text);
        if (ip == null) {
          throw new InvalidService(
              "annotation " + name + ": '" + abbreviate(text) + "' is not an IP address");
        }
        if (ips.contains(ip)) {
          throw new InvalidService("annotation " + name + ": " + ip + " is listed twice");
        }
        ips.add(ip);
      }
    }
    if (loadBalancerIp != null && !loadBalancerIp.isBlank()) {
      IpAddress ip = IpAddress.tryParse(loadBalancerIp.strip());
      if (ip == null) {
        throw new InvalidService(
            "spec.loadBalancerIP: '" + abbreviate(loadBalancerIp) + "' is not an IP address");
      }
      if (!ips.isEmpty() && !ips.equals(List.of(ip))) {
        throw new InvalidService(
            "spec.loadBalancerIP "
                + ip
                + " contradicts annotation "
                + annotationName(annotations, "loadBalancerIPs")
                + "; set only the annotation");
      }
      ips = List.of(ip);
    }
    return ips;
  }

  static @Nullable String requestedPool(Map<String, String> annotations) throws InvalidService {
    String pool = annotation(annotations, "address-pool");
    if (pool == null) {
      return null;
    }
    String problem = io.heraldlb.config.Names.checkDnsSubdomain(pool.strip());
    if (problem != null) {
      throw new InvalidService(
          "annotation " + annotationName(annotations, "address-pool") + ": " + problem);
    }
    return pool.strip();
  }

  static @Nullable String sharingKey(Map<String, String> annotations) throws InvalidService {
    String key = annotation(annotations, "allow-shared-ip");
    if (key == null) {
      return null;
    }
    if (key.isBlank() || key.length() > 253) {
      throw new InvalidService(
          "annotation "
              + annotationName(annotations, "allow-shared-ip")
              + ": must be a non-empty key of at most 253 characters");
    }
    return key;
  }

  private static List<Port> ports(ServiceSpec spec) {
    List<Port> out = new ArrayList<>();
    for (ServicePort p : Objects.requireNonNullElse(spec.getPorts(), List.<ServicePort>of())) {
      if (p.getPort() != null) {
        out.add(new Port(p.getProtocol() == null ? "TCP" : p.getProtocol(), p.getPort()));
      }
    }
    return out;
  }

  /** A canonical form of a pod selector, equal for equal selectors. */
  static String selectorKey(Map<String, String> selector) {
    if (selector == null || selector.isEmpty()) {
      return "";
    }
    return new TreeMap<>(selector)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
