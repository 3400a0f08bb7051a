package io.heraldlb.it.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
    Path script = Programs.repositoryRoot().resolve("integration-tests/kube/build.sh");
    if (!Files.isExecutable(script)) {
      throw new LabException("missing " + script);
    }
    try {
      Process process =
          new ProcessBuilder("bash", script.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String out;
      try (InputStream stdout = process.getInputStream()) {
        out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(90, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new LabException(
            script + " failed: the real control plane cannot be built (its output is above)");
      }
      String[] lines = out.strip().split("\n");
      Path dir = Path.of(lines[lines.length - 1].strip());
      for (String name : NAMES) {
        if (!Files.isExecutable(dir.resolve(name))) {
          throw new LabException(script + " named " + dir + ", which has no " + name);
        }
      }
      cached = dir;
      return dir;
    } catch (IOException e) {
      throw new LabException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted building the control plane", e);
    }
  }
}
