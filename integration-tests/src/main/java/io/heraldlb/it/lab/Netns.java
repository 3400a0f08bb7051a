package io.heraldlb.it.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small helpers for {@code ip netns}. */
public final class Netns {
  private Netns() {}

  /** {@code ip netns exec NS argv...}; the command becomes the process (ip execs it). */
  public static String[] exec(String netns, String... argv) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    all.addAll(Arrays.asList(argv));
    return all.toArray(String[]::new);
  }

  /** The names of all network namespaces on this machine. */
  public static List<String> list() {
    List<String> names = new ArrayList<>();
    for (String line : Cmd.check("ip", "netns", "list").split("\n")) {
      if (!line.isBlank()) {
        names.add(line.strip().split("\\s+")[0]);
      }
    }
    return names;
  }

  /** Network interfaces of the root namespace. */
  public static List<String> rootLinks() {
    List<String> names = new ArrayList<>();
    for (String line : Cmd.check("ip", "-o", "link", "show").split("\n")) {
      String[] parts = line.split(":\\s+", 3);
      if (parts.length >= 2) {
        names.add(parts[1].split("@")[0]);
      }
    }
    return names;
  }

  /** Kills every process in a namespace (SIGKILL), then deletes it. */
  public static void delete(String netns) {
    Cmd.Result pids = Cmd.run("ip", "netns", "pids", netns);
    if (pids.ok()) {
      for (String pid : pids.out().split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
    Cmd.run("ip", "netns", "delete", netns);
  }

  /** The MAC of an interface in a namespace, lower case. */
  public static String mac(String netns, String iface) {
    String out = Cmd.check("ip", "-n", netns, "-o", "link", "show", "dev", iface);
    int at = out.indexOf("link/ether ");
    if (at < 0) {
      throw new LabException("no MAC on " + iface + " in " + netns + ": " + out);
    }
    return out.substring(at + "link/ether ".length()).split("\\s+")[0].toLowerCase();
  }
}
