package io.heraldlb.it.lab;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the repository's scripts that fetch build input from the Go module proxy into a
 * cache, and returns the directory it names on its last line. Progress goes to this process's
 * stderr.
 */
public final class BuildScript {
  private BuildScript() {}

  /**
   * @param relative the script, relative to the repository root
   * @param what what it makes, for the error message
   */
  public static Path run(String relative, String what) {
    Path script = Programs.repositoryRoot().resolve(relative);
    if (!Files.isExecutable(script)) {
      throw new LabException("missing " + script);
    }
    try {
      Process process =
          new ProcessBuilder("bash", script.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      String out;
      try (InputStream stdout = process.getInputStream()) {
        out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(90, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new LabException(
            script + " failed: " + what + " cannot be made (its output is above)");
      }
      String[] lines = out.strip().split("\n");
      return Path.of(lines[lines.length - 1].strip());
    } catch (IOException e) {
      throw new LabException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted making " + what, e);
    }
  }
}
