package io.heraldlb.it.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the control plane's binaries are: {@code integration-tests/kube/build.sh} builds them from
 * the Go module proxy once (its progress goes to this process's stderr) and names the directory;
 * later calls find them built and return at once.
 */
public final class KubeBinaries {
  static final List<String> NAMES =
      List.of("kube-apiserver", "kube-controller-manager", "kube-proxy", "kubectl", "etcd");

  private static Path cached;

  private KubeBinaries() {}

  /** Builds when needed; returns the directory holding every binary. */
  public static synchronized Path ensure() {
    if (cached != null) {
      return cached;
    }
    Path dir = BuildScript.run("integration-tests/kube/build.sh", "the real control plane");
    for (String name : NAMES) {
      if (!Files.isExecutable(dir.resolve(name))) {
        throw new LabException(
            "integration-tests/kube/build.sh named " + dir + ", which has no " + name);
      }
    }
    cached = dir;
    return dir;
  }
}
