package io.heraldlb.it.lab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A program the lab started (a speaker, the allocator, a backend, tcpdump), with its output in a
 * log file. Signals go straight to the program: {@code ip netns exec} execs it, so the pid is the
 * program's own.
 */
public final class LabProcess {
  /** How to start it again: {@link #restart()} reuses this. */
  public record Spec(String name, List<String> argv, Map<String, String> env, Path log) {}

  private final Spec spec;
  private final Process process;
  private final long logStart;
  private final Instant started;

  private LabProcess(Spec spec, Process process, long logStart, Instant started) {
    this.spec = spec;
    this.process = process;
    this.logStart = logStart;
    this.started = started;
  }

  /** Starts a program; its stdout and stderr are appended to {@code spec.log()}. */
  public static LabProcess start(Spec spec) {
    try {
      Files.createDirectories(spec.log().getParent());
      String banner =
          "=== lab: " + Instant.now() + " starting " + String.join(" ", spec.argv()) + "\n";
      Files.writeString(
          spec.log(),
          banner,
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      long offset = Files.size(spec.log());
      ProcessBuilder builder =
          new ProcessBuilder(spec.argv())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.log().toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Cmd.withoutProxies(builder.environment());
      builder.environment().putAll(spec.env());
      return new LabProcess(spec, builder.start(), offset, Instant.now());
    } catch (IOException e) {
      throw new LabException("cannot start " + spec.name() + ": " + e.getMessage(), e);
    }
  }

  public String name() {
    return spec.name();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return spec.log();
  }

  public Instant started() {
    return started;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL; returns the moment the signal was sent. */
  public Instant kill() {
    return signal("KILL");
  }

  /** SIGTERM; returns the moment the signal was sent. */
  public Instant terminate() {
    return signal("TERM");
  }

  /** SIGSTOP: the process freezes (no heartbeats, no replies) but keeps its sockets. */
  public Instant freeze() {
    return signal("STOP");
  }

  public Instant signal(String name) {
    Instant now = Instant.now();
    Cmd.check("kill", "-s", name, Long.toString(pid()));
    return now;
  }

  /** Waits for the process to exit and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new LabException(name() + " did not exit within " + timeout + "; log: " + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted waiting for " + name(), e);
    }
  }

  /** Kills the process (if alive) and starts it again with the same command, env and log. */
  public LabProcess restart() {
    stop();
    return start(spec);
  }

  /** SIGKILL if alive, and wait for it to be gone. Safe to call twice. */
  public void stop() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(10));
    }
  }

  /**
   * Waits until this run of the process has written a line matching {@code regex} to its log, and
   * returns that line. Fails at once, with the log's tail, if the process exits first.
   */
  public String awaitLog(String regex, Duration timeout) {
    return awaitLog(regex, 0, timeout);
  }

  /**
   * As {@link #awaitLog(String, Duration)}, looking only at lines after the first {@code skip}
   * ({@code output().size()} taken before the event the line reports).
   */
  public String awaitLog(String regex, int skip, Duration timeout) {
    Pattern pattern = Pattern.compile(regex);
    return Await.value(
        name() + " to log /" + regex + "/ (log: " + log() + ")",
        timeout,
        () -> {
          for (String line : output().stream().skip(skip).toList()) {
            if (pattern.matcher(line).find()) {
              return java.util.Optional.of(line);
            }
          }
          if (!process.isAlive()) {
            throw new LabException(
                name()
                    + " exited with code "
                    + process.exitValue()
                    + " before logging /"
                    + regex
                    + "/; last lines of "
                    + log()
                    + ":\n"
                    + tail(20));
          }
          return java.util.Optional.empty();
        });
  }

  /** The lines this run of the process has written so far. */
  public List<String> output() {
    try (RandomAccessFile file = new RandomAccessFile(log().toFile(), "r")) {
      long length = file.length();
      if (length <= logStart) {
        return List.of();
      }
      byte[] bytes = new byte[(int) (length - logStart)];
      file.seek(logStart);
      file.readFully(bytes);
      return List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
    } catch (IOException e) {
      throw new LabException("cannot read " + log(), e);
    }
  }

  /** The last {@code n} lines of this run's output, for error messages. */
  public String tail(int n) {
    List<String> lines = new ArrayList<>(output());
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  @Override
  public String toString() {
    return name() + " (pid " + pid() + ", log " + log() + ")";
  }
}
