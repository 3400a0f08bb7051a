package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.heraldlb.it.lab.Cmd;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabApi;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.LabTest;
import io.heraldlb.it.lab.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every command of the install guides in deploy/guides/, run as written on the lab's real API
 * server, in the order written, one guide after another.
 *
 * <p>A guide's {@code sh} blocks run in a directory holding the repository's {@code deploy/},
 * {@code allocator/} and {@code speaker/}, with the lab's kubectl first on the PATH (and {@code
 * microk8s} and {@code k3s} whose {@code kubectl} subcommand is it). Comments in the guide,
 * invisible when it is rendered, say what the lab does differently: {@code <!-- lab: not run: WHY
 * -->} before a block it cannot run, {@code <!-- lab: on the LAN client -->} before one run on the
 * lab's client, and {@code <!-- lab: the kubelet starts the pods -->} where the installed pods
 * would start. Every image tar a guide names must be one the build makes.
 */
@LabTest(nodes = 2)
class GuidesIT {
  private static final Path GUIDES = Programs.repositoryRoot().resolve("deploy/guides");
  private static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(180);
  private static final Pattern MARKER = Pattern.compile("<!-- lab: (.+?) -->");
  private static final Pattern IMAGE_TAR =
      Pattern.compile("([\\w/.-]*)heraldlb-(allocator|speaker)-([\\w.-]+)-(amd64|arm64)\\.tar");

  sealed interface Step permits Run, NotRun, StartPods {}

  record Run(String script, boolean onClient, int line) implements Step {}

  record NotRun(String script, String why, int line) implements Step {}

  record StartPods() implements Step {}

  @TestFactory
  Stream<DynamicTest> everyCommandOfEachGuideRunsAsWritten(Lab lab) throws IOException {
    List<Path> guides;
    try (Stream<Path> files = Files.list(GUIDES)) {
      guides = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
    assertFalse(guides.isEmpty(), "no guide in " + GUIDES);
    return guides.stream()
        .map(
            guide ->
                DynamicTest.dynamicTest(guide.getFileName().toString(), () -> follow(lab, guide)));
  }

  private static void follow(Lab lab, Path guide) throws IOException {
    List<Step> steps = steps(guide);
    assertEquals(
        1,
        steps.stream().filter(StartPods.class::isInstance).count(),
        guide + ": says once where the installed pods start");
    checkImageTars(guide, Files.readString(guide));

    Path work = Files.createTempDirectory(lab.logDir(), "guide-");
    for (String dir : List.of("deploy", "allocator", "speaker")) {
      Files.createSymbolicLink(work.resolve(dir), Programs.repositoryRoot().resolve(dir));
    }
    Path bin = shims(lab, Files.createDirectories(work.resolve(".bin")));
    List<LabProcess> pods = List.of();
    try {
      for (Step step : steps) {
        if (step instanceof NotRun n) {
          System.out.printf(
              "%s:%d not run in the lab: %s%n", guide.getFileName(), n.line(), n.why());
        } else if (step instanceof StartPods) {
          pods = StandInKubelet.runInstalledPods(lab, "heraldlb-membership");
        } else if (step instanceof Run r) {
          run(lab, guide, r, work, bin);
        }
      }
    } finally {
      StandInKubelet.stop(lab, pods);
      uninstallForTheNextGuide(lab);
    }
  }

  private static void run(Lab lab, Path guide, Run r, Path work, Path bin) {
    Cmd.Result result =
        r.onClient()
            ? lab.client().exec(BLOCK_TIMEOUT, "bash", "-euo", "pipefail", "-c", r.script())
            : Cmd.run(
                List.of(
                    "env",
                    "-C",
                    work.toString(),
                    "PATH=" + bin + ":" + System.getenv("PATH"),
                    "KUBECONFIG=" + lab.kubeconfig(),
                    "bash",
                    "-euo",
                    "pipefail",
                    "-c",
                    r.script()),
                BLOCK_TIMEOUT);
    if (result.exit() != 0) {
      fail(
          String.format(
              "%s:%d exited %d%n%s%n--- out%n%s--- err%n%s",
              guide.getFileName(),
              r.line(),
              result.exit(),
              r.script(),
              result.out(),
              result.err()));
    }
    System.out.printf(
        "%s:%d ran%s:%n%s%s",
        guide.getFileName(),
        r.line(),
        r.onClient() ? " on the LAN client" : "",
        r.script().indent(4),
        result.out().indent(4));
  }

  /** The guide's blocks and markers, in order; any other kind of block, or marker, fails. */
  static List<Step> steps(Path guide) throws IOException {
    List<String> lines = Files.readAllLines(guide);
    List<Step> steps = new ArrayList<>();
    String marker = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher m = MARKER.matcher(line.strip());
      if (m.matches()) {
        if (m.group(1).equals("the kubelet starts the pods")) {
          steps.add(new StartPods());
        } else {
          marker = m.group(1);
        }
        continue;
      }
      if (!line.startsWith("```")) {
        continue;
      }
      assertEquals("```sh", line, guide.getFileName() + ":" + (i + 1) + ": only sh blocks");
      int start = i + 1;
      StringBuilder script = new StringBuilder();
      for (i = start; !lines.get(i).equals("```"); i++) {
        script.append(lines.get(i)).append('\n');
      }
      if (marker == null) {
        steps.add(new Run(script.toString(), false, start));
      } else if (marker.equals("on the LAN client")) {
        steps.add(new Run(script.toString(), true, start));
      } else if (marker.startsWith("not run: ") && marker.length() > "not run: ".length()) {
        steps.add(new NotRun(script.toString(), marker.substring("not run: ".length()), start));
      } else {
        fail(guide.getFileName() + ":" + start + ": unknown marker: " + marker);
      }
      marker = null;
    }
    return steps;
  }

  /** Each tar the guide names is one `mvn -Pimage` makes, at this version and where it puts it. */
  private static void checkImageTars(Path guide, String text) throws IOException {
    String version = projectVersion();
    Matcher m = IMAGE_TAR.matcher(text);
    int named = 0;
    while (m.find()) {
      named++;
      String program = m.group(2);
      assertEquals(version, m.group(3), guide.getFileName() + ": the version in " + m.group());
      if (!m.group(1).isEmpty()) {
        assertEquals(program + "/target/", m.group(1), guide.getFileName() + ": " + m.group());
      }
      Path built =
          Programs.repositoryRoot()
              .resolve(
                  program
                      + "/target/heraldlb-"
                      + program
                      + "-"
                      + version
                      + "-"
                      + m.group(4)
                      + ".tar");
      if (Files.exists(built)) {
        System.out.printf("%s names %s: built by this run%n", guide.getFileName(), built);
      } else {
        System.out.printf(
            "%s names %s: its name is the build's; not built by this run (no -Pimage)%n",
            guide.getFileName(), built);
      }
    }
    assertTrue(named > 0, guide + " names no image tar");
  }

  private static String projectVersion() throws IOException {
    Matcher m =
        Pattern.compile("<version>([^<]+)</version>")
            .matcher(Files.readString(Programs.repositoryRoot().resolve("pom.xml")));
    assertTrue(m.find(), "pom.xml has no version");
    return m.group(1);
  }

  /** The lab's kubectl, java, and the distributions' kubectl subcommands standing for it. */
  private static Path shims(Lab lab, Path bin) throws IOException {
    Files.createSymbolicLink(
        bin.resolve("kubectl"), lab.controlPlane().binaries().resolve("kubectl"));
    Files.createSymbolicLink(bin.resolve("java"), Path.of(Programs.java()));
    for (String distribution : List.of("microk8s", "k3s")) {
      Path shim = bin.resolve(distribution);
      Files.writeString(
          shim,
          """
          #!/bin/sh
          # The lab's stand-in: its kubectl subcommand is the lab's kubectl, and nothing else is.
          [ "$1" = kubectl ] || { echo "$0 $1: not in the lab" >&2; exit 127; }
          shift
          exec kubectl "$@"
          """);
      Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return bin;
  }

  /**
   * Leaves the lab as it was for the next guide: the example and the key gone, the workloads gone
   * (the stand-in kubelet deleted them). The namespace, its ServiceAccounts and the CRDs stay: the
   * lab's programs run under those accounts.
   */
  private static void uninstallForTheNextGuide(Lab lab) {
    Duration timeout = Duration.ofSeconds(60);
    lab.kubectl(
        timeout,
        "delete",
        "--ignore-not-found",
        "-f",
        Programs.repositoryRoot().resolve("deploy/examples/web.yaml").toString());
    lab.kubectl(
        timeout,
        "-n",
        LabApi.HERALDLB_NAMESPACE,
        "delete",
        "--ignore-not-found",
        "secret/heraldlb-membership",
        "configmap/heraldlb-config");
  }
}
