package io.heraldlb.it.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What CONTRIBUTING promises about the pure cores, checked on the sources: they name no Kubernetes
 * client, native access, network stack, logging or I/O type, and no HeraldLB package outside the
 * cores. A type may be named by its import or fully qualified in the code; both count.
 */
class PureCoresTest {
  /** The pure packages, as source directories under the checkout. */
  static final List<String> CORES =
      List.of(
          "config/src/main/java/io/heraldlb/config",
          "allocator/src/main/java/io/heraldlb/allocator/ipam",
          "speaker/src/main/java/io/heraldlb/speaker/election",
          "speaker/src/main/java/io/heraldlb/speaker/packet",
          "speaker/src/main/java/io/heraldlb/speaker/responder",
          "speaker/src/main/java/io/heraldlb/speaker/plan");

  static final List<String> FORBIDDEN =
      List.of(
          "io.fabric8",
          "com.sun.jna",
          "io.netty",
          "org.pcap4j",
          "org.jgroups",
          "io.prometheus",
          "org.slf4j",
          "ch.qos.logback",
          "java.io",
          "java.nio.file",
          "java.nio.channels",
          "java.net",
          "java.lang.ProcessBuilder");

  /** Named types a core may use anyway, each with its reason. */
  static final Map<String, Set<String>> ALLOWED =
      Map.of(
          // A value conversion for callers: getByAddress never resolves a name.
          "IpAddress.java", Set.of("java.net.InetAddress", "java.net.UnknownHostException"),
          // The HOCON includer that refuses file and URL includes has to name their types.
          "HoconPools.java", Set.of("java.io.File", "java.net.URL"));

  private static final Pattern QUALIFIED =
      Pattern.compile("\\b((?:[a-z][a-z0-9_]*\\.)+[A-Za-z_][A-Za-z0-9_]*)");

  @Test
  void theCoresNameNoEdgeType() {
    List<String> violations = new ArrayList<>();
    for (Path file : coreSources()) {
      violations.addAll(violations(file));
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void theCheckSeesAnEdgeTypeWhereverItIsNamed() throws IOException {
    Path dir = Files.createTempDirectory("pure");
    try {
      Path file = dir.resolve("Sample.java");
      Files.writeString(
          file,
          """
          package io.heraldlb.allocator.ipam;

          import org.slf4j.Logger; // a logger in the core
          import java.util.List;

          /** Mentions io.fabric8.kubernetes in prose only. */
          final class Sample {
            java.io.File file;
            io.heraldlb.allocator.Controller controller;
            String text = "io.netty.Channel";
          }
          """);
      List<String> found = violations(file);
      assertEquals(3, found.size(), found.toString());
      assertTrue(found.get(0).contains("org.slf4j.Logger"), found.toString());
      assertTrue(found.get(1).contains("java.io.File"), found.toString());
      assertTrue(found.get(2).contains("io.heraldlb.allocator.Controller"), found.toString());
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static List<Path> coreSources() {
    Path root = checkout();
    List<Path> out = new ArrayList<>();
    for (String core : CORES) {
      Path dir = root.resolve(core);
      assertTrue(Files.isDirectory(dir), "no core at " + dir);
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertTrue(out.size() > 40, "found only " + out.size() + " core sources under " + root);
    return out;
  }

  /** Every forbidden or non-core HeraldLB type the file names, as "File:line: name". */
  static List<String> violations(Path file) {
    List<String> out = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> allowed = ALLOWED.getOrDefault(file.getFileName().toString(), Set.of());
    boolean inComment = false;
    for (int i = 0; i < lines.size(); i++) {
      StringBuilder code = new StringBuilder();
      inComment = stripComments(lines.get(i), inComment, code);
      if (code.toString().stripLeading().startsWith("package ")) {
        continue;
      }
      Matcher m = QUALIFIED.matcher(code);
      while (m.find()) {
        String name = m.group(1);
        if (!allowed.contains(name) && (forbidden(name) || outsideTheCores(name))) {
          out.add(file.getFileName() + ":" + (i + 1) + ": " + name);
        }
      }
    }
    return out;
  }

  private static boolean forbidden(String name) {
    return FORBIDDEN.stream().anyMatch(f -> name.equals(f) || name.startsWith(f + "."));
  }

  private static boolean outsideTheCores(String name) {
    if (!name.startsWith("io.heraldlb.")) {
      return false;
    }
    for (String core : CORES) {
      String pkg = core.substring(core.indexOf("io/heraldlb")).replace('/', '.');
      String rest = name.startsWith(pkg + ".") ? name.substring(pkg.length() + 1) : null;
      // The core's own types: the next segment is a class name, not a sub-package.
      if (rest != null && Character.isUpperCase(rest.charAt(0))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Appends the code of {@code line} outside comments and string literals to {@code code}; returns
   * whether a block comment is still open at its end.
   */
  private static boolean stripComments(String line, boolean inComment, StringBuilder code) {
    int i = 0;
    while (i < line.length()) {
      if (inComment) {
        int end = line.indexOf("*/", i);
        if (end < 0) {
          return true;
        }
        inComment = false;
        i = end + 2;
      } else if (line.startsWith("/*", i)) {
        inComment = true;
        i += 2;
      } else if (line.startsWith("//", i)) {
        return false;
      } else if (line.charAt(i) == '"') {
        int end = i + 1;
        while (end < line.length() && line.charAt(end) != '"') {
          end += line.charAt(end) == '\\' ? 2 : 1;
        }
        code.append("\"\"");
        i = end + 1;
      } else {
        code.append(line.charAt(i));
        i++;
      }
    }
    return false;
  }

  /** The checkout's root: the tests run in the integration-tests module's directory. */
  private static Path checkout() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("allocator")) && Files.isDirectory(p.resolve("speaker"))) {
        return p;
      }
    }
    throw new IllegalStateException("no HeraldLB checkout above " + here);
  }
}
