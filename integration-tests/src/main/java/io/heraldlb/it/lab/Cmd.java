package io.heraldlb.it.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs short commands (ip, sysctl, arping, curl) and returns what they printed. */
public final class Cmd {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Cmd() {}

  /** What a finished command printed and returned. */
  public record Result(List<String> argv, int exit, String out, String err) {
    public boolean ok() {
      return exit == 0;
    }

    /** This result, or an exception naming the command and its error output. */
    public Result orThrow() {
      if (!ok()) {
        throw new LabException(
            "command failed (exit " + exit + "): " + String.join(" ", argv) + "\n" + err.strip());
      }
      return this;
    }
  }

  /** Runs a command and waits for it; a non-zero exit is returned, not thrown. */
  public static Result run(List<String> argv, Duration timeout) {
    Process process;
    try {
      ProcessBuilder builder =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      withoutProxies(builder.environment());
      process = builder.start();
    } catch (IOException e) {
      throw new LabException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    }
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new LabException("timed out after " + timeout + ": " + String.join(" ", argv));
      }
      return new Result(List.copyOf(argv), process.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new LabException("interrupted: " + String.join(" ", argv), e);
    } catch (ExecutionException e) {
      throw new LabException("cannot read the output of " + argv.get(0), e);
    }
  }

  public static Result run(String... argv) {
    return run(List.of(argv), DEFAULT_TIMEOUT);
  }

  /** Runs a command that must succeed and returns its standard output. */
  public static String check(String... argv) {
    return run(List.of(argv), DEFAULT_TIMEOUT).orThrow().out();
  }

  /**
   * Removes proxy settings from a child's environment: the lab's traffic stays on its LAN, and a
   * proxy there would be neither reachable nor wanted (curl and fabric8 both honour these).
   */
  static void withoutProxies(java.util.Map<String, String> env) {
    for (String name : List.of("http_proxy", "https_proxy", "all_proxy", "no_proxy")) {
      env.remove(name);
      env.remove(name.toUpperCase(java.util.Locale.ROOT));
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
