package io.heraldlb.allocator.ipam;

import io.heraldlb.config.Family;
import io.heraldlb.config.IpAddress;
import java.util.List;
import java.util.Map;

/** Builds {@link ServiceRequest}s for tests: start from one, change what the test is about. */
public final class Requests {
  private ServiceKey key;
  private Map<String, String> labels;
  private Map<String, String> namespaceLabels;
  private List<Family> families;
  private FamilyPolicy policy;
  private List<IpAddress> requestedIps;
  private String requestedPool;
  private String sharingKey;
  private List<Port> ports;
  private boolean localTraffic;
  private String backendKey;
  private List<IpAddress> currentIps;

  private Requests(ServiceRequest r) {
    key = r.key();
    labels = r.labels();
    namespaceLabels = r.namespaceLabels();
    families = r.families();
    policy = r.policy();
    requestedIps = r.requestedIps();
    requestedPool = r.requestedPool();
    sharingKey = r.sharingKey();
    ports = r.ports();
    localTraffic = r.localTraffic();
    backendKey = r.backendKey();
    currentIps = r.currentIps();
  }

  public static Requests from(ServiceRequest r) {
    return new Requests(r);
  }

  public Requests withLabels(Map<String, String> l) {
    labels = l;
    return this;
  }

  public Requests withNamespaceLabels(Map<String, String> l) {
    namespaceLabels = l;
    return this;
  }

  public Requests withFamilies(FamilyPolicy p, Family... f) {
    policy = p;
    families = List.of(f);
    return this;
  }

  public Requests withRequestedIps(IpAddress... ips) {
    requestedIps = List.of(ips);
    return this;
  }

  public Requests withRequestedPool(String pool) {
    requestedPool = pool;
    return this;
  }

  public Requests withSharing(String sharing, Port... p) {
    sharingKey = sharing;
    ports = List.of(p);
    return this;
  }

  public Requests withLocalTraffic(String backend) {
    localTraffic = true;
    backendKey = backend;
    return this;
  }

  public Requests withCurrentIps(IpAddress... ips) {
    currentIps = List.of(ips);
    return this;
  }

  public ServiceRequest build() {
    return new ServiceRequest(
        key,
        labels,
        namespaceLabels,
        families,
        policy,
        requestedIps,
        requestedPool,
        sharingKey,
        ports,
        localTraffic,
        backendKey,
        currentIps);
  }
}
