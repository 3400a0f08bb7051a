package io.heraldlb.it.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.heraldlb.it.lab.BuildScript;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstream tools the deploy tests run (promtool, helm), each built from its pinned Go module by
 * {@code integration-tests/<name>/build.sh} on first use (a no-op once cached). Without a Go
 * toolchain the calling test is skipped, and says why.
 */
final class GoTools {
  private GoTools() {}

  private static final ConcurrentHashMap<String, Path> built = new ConcurrentHashMap<>();

  static Path path(String name) {
    assumeTrue(hasGo(), "no Go toolchain: " + name + " cannot be built, so this is not checked");
    return built.computeIfAbsent(
        name, n -> BuildScript.run("integration-tests/" + n + "/build.sh", n));
  }

  private static boolean hasGo() {
    try {
      return new ProcessBuilder("go", "version").start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
