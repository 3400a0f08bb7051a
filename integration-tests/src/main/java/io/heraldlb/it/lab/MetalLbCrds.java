package io.heraldlb.it.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * MetalLB's CRDs, as its own Go module ships them ({@code config/crd/bases}): {@code
 * integration-tests/metallb/crds.sh} takes them from the module proxy at the version its go.mod
 * pins. The lab installs them to rehearse a switch from MetalLB.
 */
public final class MetalLbCrds {
  private static Path cached;

  private MetalLbCrds() {}

  /**
   * Installs them on the lab's real API server ({@code kubectl apply --server-side}: some are too
   * large for the client-side annotation) and waits until they are served.
   */
  public static void install(Lab lab) {
    Path kubectl = lab.controlPlane().binaries().resolve("kubectl");
    List<String> apply =
        new ArrayList<>(
            List.of(
                kubectl.toString(),
                "--kubeconfig",
                lab.kubeconfig().toString(),
                "apply",
                "--server-side"));
    List<String> wait =
        new ArrayList<>(
            List.of(
                kubectl.toString(),
                "--kubeconfig",
                lab.kubeconfig().toString(),
                "wait",
                "--for=condition=Established",
                "--timeout=60s"));
    for (Path crd : ensure()) {
      apply.add("-f");
      apply.add(crd.toString());
      wait.add("-f");
      wait.add(crd.toString());
    }
    for (List<String> command : List.of(apply, wait)) {
      Cmd.Result r = Cmd.run(command, Duration.ofSeconds(90));
      if (r.exit() != 0) {
        throw new LabException(String.join(" ", command) + " failed: " + r.out() + r.err());
      }
    }
  }

  /** The CRD files, fetched when needed. */
  public static synchronized List<Path> ensure() {
    if (cached == null) {
      cached = BuildScript.run("integration-tests/metallb/crds.sh", "MetalLB's CRDs");
    }
    try (Stream<Path> files = Files.list(cached)) {
      List<Path> crds = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      if (crds.isEmpty()) {
        throw new LabException(cached + " holds no CRD");
      }
      return crds;
    } catch (IOException e) {
      throw new LabException("cannot list " + cached + ": " + e.getMessage(), e);
    }
  }
}
