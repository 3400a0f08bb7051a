package io.heraldlb.it.lab;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Which labs exist on this machine: one owner file per run under {@code /run/heraldlb-lab} (the
 * owning JVM's pid, how it was started, its subnet). A run whose owner is gone is a leftover.
 */
public final class LabRegistry {
  static final Path DIR = Path.of("/run/heraldlb-lab");

  /** How a lab was started: by a test or {@code demo} (dies with its JVM), or by {@code up}. */
  public enum Mode {
    TEST,
    CLI
  }

  /** What an owner file says. */
  public record Owner(String run, long pid, Mode mode, int subnet) {
    boolean alive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  private LabRegistry() {}

  /** Holds the machine-wide lab lock while choosing a subnet and claiming it. */
  @SuppressWarnings("try") // the lock is held by the try block itself
  static Subnet claim(String run, Mode mode) {
    try {
      Files.createDirectories(DIR);
      try (FileChannel channel =
              FileChannel.open(
                  DIR.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        Subnet subnet = freeSubnet();
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("mode", mode.name());
        p.setProperty("subnet", Integer.toString(subnet.n()));
        Files.writeString(ownerFile(run), toText(p), StandardCharsets.UTF_8);
        return subnet;
      }
    } catch (IOException e) {
      throw new LabException("cannot register the lab under " + DIR + ": " + e.getMessage(), e);
    }
  }

  /**
   * Notes a process the lab started, with its start time, so that a later run can end it if this
   * lab's JVM dies without stopping it — and only it, not a process that reused the pid.
   */
  static void recordProcess(String run, long pid) {
    startTime(pid)
        .ifPresent(
            start -> {
              try {
                Files.writeString(
                    pidFile(run),
                    pid + " " + start + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
              } catch (IOException e) {
                throw new LabException("cannot write " + pidFile(run), e);
              }
            });
  }

  /** SIGKILLs the recorded processes of a dead run that are still the same processes. */
  private static void killRecorded(String run) {
    Path file = pidFile(run);
    if (!Files.exists(file)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] fields = line.trim().split(" ");
        if (fields.length != 2) {
          continue;
        }
        long pid = Long.parseLong(fields[0]);
        if (startTime(pid).filter(fields[1]::equals).isPresent()) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      Files.deleteIfExists(file);
    } catch (IOException | NumberFormatException e) {
      throw new LabException("cannot read " + file, e);
    }
  }

  /** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
  private static Optional<String> startTime(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Optional.of(after[19]);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Path pidFile(String run) {
    return DIR.resolve(run + ".pids");
  }

  static void release(String run) {
    try {
      Files.deleteIfExists(pidFile(run));
      Files.deleteIfExists(ownerFile(run));
    } catch (IOException e) {
      throw new LabException("cannot remove " + ownerFile(run), e);
    }
  }

  /** Every registered lab run. */
  public static List<Owner> owners() {
    List<Owner> owners = new ArrayList<>();
    if (!Files.isDirectory(DIR)) {
      return owners;
    }
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".owner")).toList()) {
        readOwner(file).ifPresent(owners::add);
      }
    } catch (IOException e) {
      throw new LabException("cannot read " + DIR, e);
    }
    return owners;
  }

  /**
   * Removes namespaces and root links named {@code prefix-*} whose owning process is gone (a
   * crashed JVM, a SIGKILLed test run). Labs of live processes are left alone.
   *
   * @return the runs removed
   */
  public static Set<String> cleanupLeftovers(String prefix) {
    Set<String> live = new HashSet<>();
    for (Owner owner : owners()) {
      if (owner.run().startsWith(prefix + "-") && owner.alive()) {
        live.add(owner.run());
      }
    }
    Set<String> removed = new TreeSet<>();
    for (Owner owner : owners()) {
      if (owner.run().startsWith(prefix + "-") && !owner.alive()) {
        killRecorded(owner.run());
      }
    }
    for (String ns : Netns.list()) {
      String run = runOf(prefix, ns);
      if (run != null && !live.contains(run)) {
        Netns.delete(ns);
        removed.add(run);
      }
    }
    for (String link : Netns.rootLinks()) {
      String run = runOf(prefix, link);
      if (run != null && !live.contains(run)) {
        Cmd.run("ip", "link", "delete", link);
        removed.add(run);
      }
    }
    for (Owner owner : owners()) {
      if (owner.run().startsWith(prefix + "-") && !owner.alive()) {
        release(owner.run());
        removed.add(owner.run());
      }
    }
    return removed;
  }

  /** Stops labs that {@code up} left running (SIGTERM to their JVM), then removes leftovers. */
  public static Set<String> stopCliLabs(String prefix, Duration grace) {
    Set<String> removed = new TreeSet<>();
    for (Owner owner : owners()) {
      if (owner.mode() == Mode.CLI && owner.run().startsWith(prefix + "-") && owner.alive()) {
        ProcessHandle.of(owner.pid()).ifPresent(ProcessHandle::destroy);
        Await.until("lab " + owner.run() + " to stop", grace, () -> !owner.alive());
        removed.add(owner.run());
      }
    }
    removed.addAll(cleanupLeftovers(prefix));
    return removed;
  }

  /** {@code hlb-3f2a} for {@code hlb-3f2a-node1}, or null when the name is not a lab's. */
  static @Nullable String runOf(String prefix, String name) {
    if (!name.startsWith(prefix + "-")) {
      return null;
    }
    String[] parts = name.split("-");
    return parts.length >= 3 ? parts[0] + "-" + parts[1] : null;
  }

  private static Subnet freeSubnet() {
    Set<Integer> used = new HashSet<>();
    for (Owner owner : owners()) {
      if (owner.alive()) {
        used.add(owner.subnet());
      }
    }
    String addresses = Cmd.check("ip", "-4", "-o", "addr", "show");
    for (int n = 0; n <= 255; n++) {
      if (!used.contains(n) && !addresses.contains(" 10.77." + n + ".")) {
        return new Subnet(n);
      }
    }
    throw new LabException("no free 10.77.N.0/24 for another lab on this machine");
  }

  private static Path ownerFile(String run) {
    return DIR.resolve(run + ".owner");
  }

  private static Optional<Owner> readOwner(Path file) {
    try {
      Properties p = new Properties();
      try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(reader);
      }
      String name = file.getFileName().toString();
      return Optional.of(
          new Owner(
              name.substring(0, name.length() - ".owner".length()),
              Long.parseLong(p.getProperty("pid", "0")),
              Mode.valueOf(p.getProperty("mode", "TEST")),
              Integer.parseInt(p.getProperty("subnet", "0"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String toText(Properties p) {
    StringBuilder text = new StringBuilder();
    p.stringPropertyNames().stream()
        .sorted()
        .forEach(k -> text.append(k).append('=').append(p.getProperty(k)).append('\n'));
    return text.toString();
  }
}
