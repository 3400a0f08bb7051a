package io.heraldlb.it.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Starts programs for the lab, keeps track of them, and stops them all when the lab closes. */
final class Launcher {
  /** Small, quick-starting helper JVMs (backends, the frame sender). */
  static final List<String> HELPER_JVM =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx48m", "-Xss512k");

  private final Path logDir;
  private final String run;
  private final List<LabProcess> processes = new CopyOnWriteArrayList<>();

  /** {@code run}: the lab run whose registry entry records every pid (null: record nothing). */
  Launcher(Path logDir, String run) {
    this.logDir = logDir;
    this.run = run;
  }

  Path logDir() {
    return logDir;
  }

  /** Starts {@code argv} inside {@code netns} (null: the root namespace), logging to NAME.log. */
  LabProcess start(String name, String netns, Map<String, String> env, List<String> argv) {
    String[] command =
        netns == null
            ? argv.toArray(String[]::new)
            : Netns.exec(netns, argv.toArray(String[]::new));
    return track(
        LabProcess.start(
            new LabProcess.Spec(name, List.of(command), env, logDir.resolve(name + ".log"))));
  }

  /** Starts a JVM: {@code java jvmArgs... rest...} inside {@code netns}. */
  LabProcess java(
      String name, String netns, Map<String, String> env, List<String> jvmArgs, List<String> rest) {
    List<String> argv = new ArrayList<>();
    argv.add(Programs.java());
    argv.addAll(jvmArgs);
    argv.addAll(rest);
    return start(name, netns, env, argv);
  }

  /** Starts one of the lab's own helper classes (a main in this package). */
  LabProcess helper(String name, String netns, Class<?> main, List<String> args) {
    List<String> rest = new ArrayList<>(List.of("-cp", Programs.labClasspath(), main.getName()));
    rest.addAll(args);
    return java(name, netns, Map.of(), HELPER_JVM, rest);
  }

  /** Keeps track of a process started elsewhere (a restart) so close() stops it. */
  LabProcess track(LabProcess process) {
    processes.add(process);
    if (run != null) {
      LabRegistry.recordProcess(run, process.pid());
    }
    return process;
  }

  List<LabProcess> processes() {
    return List.copyOf(processes);
  }

  /** SIGKILL to everything still running, the last started first. */
  void stopAll() {
    List<LabProcess> newestFirst = new ArrayList<>(processes);
    java.util.Collections.reverse(newestFirst);
    for (LabProcess process : newestFirst) {
      process.stop();
    }
    processes.clear();
  }
}
