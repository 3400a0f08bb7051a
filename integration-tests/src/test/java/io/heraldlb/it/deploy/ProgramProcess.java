package io.heraldlb.it.deploy;

import io.heraldlb.it.lab.Programs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A HeraldLB program in a JVM of its own, run from this module's classpath (the allocator's and the
 * speaker's classes and dependencies: the code of the jars, built by the same reactor) with the
 * settings in {@code env} only: inherited {@code HERALDLB_*} and {@code KUBE*} variables are
 * removed, so a developer's environment cannot change what is recorded.
 */
final class ProgramProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ProgramProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ProgramProcess start(String name, String mainClass, Map<String, String> env, Path dir)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Programs.java());
    command.addAll(List.of("-XX:+UseSerialGC", "-Xmx96m", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-cp", Programs.labClasspath(), mainClass, "run"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("HERALDLB_") || k.startsWith("KUBE"));
    pb.environment().putAll(env);
    Path log = dir.resolve(name + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new ProgramProcess(name, pb.start(), log);
  }

  boolean alive() {
    return process.isAlive();
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, as the kubelet sends, and a wait for the clean exit. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IllegalStateException(name + " did not stop within 20 s of SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
