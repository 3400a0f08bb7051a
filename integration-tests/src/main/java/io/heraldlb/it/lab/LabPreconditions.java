package io.heraldlb.it.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a lab needs from the machine: root, {@code ip netns}, and the client's tools. */
public final class LabPreconditions {
  static final String PACKAGES = packages();
  private static final List<String> TOOLS =
      List.of("ip", "arping", "curl", "tcpdump", "nft", "openssl");

  private LabPreconditions() {}

  /** The Debian packages of lab-packages.txt (the list .ci/run and lab.sh install), one line. */
  private static String packages() {
    try (var in = LabPreconditions.class.getResourceAsStream("/lab-packages.txt")) {
      if (in == null) {
        throw new IllegalStateException("lab-packages.txt is not on the class path");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .collect(java.util.stream.Collectors.joining(" "));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Everything missing, as sentences; empty when a lab can be built. */
  public static List<String> missing() {
    List<String> problems = new ArrayList<>();
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      problems.add(
          "the lab needs Linux network namespaces (this is " + System.getProperty("os.name") + ")");
      return problems;
    }
    if (!"0".equals(Cmd.run("id", "-u").out().strip())) {
      problems.add(
          "the lab needs root (network namespaces, veth links, raw sockets): run as root or with sudo");
    }
    List<String> absent = new ArrayList<>();
    for (String tool : TOOLS) {
      if (!onPath(tool)) {
        absent.add(tool);
      }
    }
    if (!absent.isEmpty()) {
      problems.add("missing tools " + absent + ": apt-get install " + PACKAGES);
    } else if (!Cmd.run("ip", "netns", "list").ok()) {
      problems.add(
          "`ip netns list` fails: this kernel or container does not allow network namespaces");
    }
    return problems;
  }

  /** Throws with every missing thing named. */
  public static void require() {
    List<String> problems = missing();
    if (!problems.isEmpty()) {
      throw new LabException("cannot build the lab: " + String.join("; ", problems));
    }
  }

  private static boolean onPath(String tool) {
    for (String dir :
        System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool))
        || Files.isExecutable(Path.of("/sbin", tool));
  }
}
