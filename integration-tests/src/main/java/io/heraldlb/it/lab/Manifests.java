package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * {@code kubectl apply -f DIR} for the lab's API server. The embedded one, unlike a real one,
 * allocates no cluster IPs or node ports: for it they are filled in here so Services look as they
 * would in a cluster.
 */
public final class Manifests {
  private final KubernetesClient client;
  private final boolean fillIn;
  private final AtomicInteger nextClusterIp = new AtomicInteger(10);
  private final AtomicInteger nextNodePort = new AtomicInteger(30080);

  /** For {@code api}'s admin client; fills in what only a real API server does. */
  public Manifests(LabApi api) {
    this.client = api.client();
    this.fillIn = !api.real();
  }

  /** Creates or updates every object in every {@code *.yaml} of {@code dir}, in name order. */
  public List<HasMetadata> applyDirectory(Path dir) {
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files =
          listing
              .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new LabException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    List<HasMetadata> applied = new ArrayList<>();
    for (Path file : files) {
      applied.addAll(applyFile(file));
    }
    return applied;
  }

  public List<HasMetadata> applyFile(Path file) {
    List<HasMetadata> applied = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (HasMetadata item : client.load(in).items()) {
        applied.add(apply(item));
      }
    } catch (IOException e) {
      throw new LabException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return applied;
  }

  public HasMetadata apply(HasMetadata item) {
    if (fillIn && item instanceof Service service) {
      fillInWhatTheApiServerWould(service);
    }
    return client.resource(item).createOr(NonDeletingOperation::update);
  }

  private void fillInWhatTheApiServerWould(Service service) {
    var spec = service.getSpec();
    if (spec.getType() == null) {
      spec.setType("ClusterIP");
    }
    if (spec.getClusterIP() == null) {
      spec.setClusterIP("10.152.183." + nextClusterIp.getAndIncrement());
      spec.setClusterIPs(List.of(spec.getClusterIP()));
    }
    boolean needsNodePort = !"ClusterIP".equals(spec.getType());
    for (ServicePort port : spec.getPorts()) {
      if (port.getProtocol() == null) {
        port.setProtocol("TCP");
      }
      if (needsNodePort && port.getNodePort() == null) {
        port.setNodePort(nextNodePort.getAndIncrement());
      }
    }
  }
}
