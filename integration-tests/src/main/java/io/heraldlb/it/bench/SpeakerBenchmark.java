package io.heraldlb.it.bench;

import io.heraldlb.it.lab.ArpWire;
import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.Cmd;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabApi;
import io.heraldlb.it.lab.LabClient;
import io.heraldlb.it.lab.LabException;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.SpeakerLab;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Measures the speaker against the targets on a three-node lab: failover after SIGKILL and
 * SIGSTOP, graceful hand-over, ARP reply latency on the wire against the kernel's, the first reply
 * after start, start-up convergence, and memory and idle CPU announcing 1,000 addresses. Not part
 * of {@code mvn verify}: run it with {@code integration-tests/bench.sh speaker}.
 *
 * <p>Over 300 lines on purpose: one method per scenario whose figures it prints, each short; the
 * lab helpers they share are in {@link io.heraldlb.it.lab.SpeakerLab}.
 */
public final class SpeakerBenchmark {
  static final String USAGE =
      """
      usage: bench.sh speaker [--kill-trials N] [--stop-trials N] [--term-trials N]
                              [--startups N] [--arp-requests N] [--arp-interval-us N]
                              [--rss-ips N]
                              [--only startup,kill,stop,term,latency,rss]
                              [--jvm-args "FLAG FLAG..."]
        defaults: 20 SIGKILL, 10 SIGSTOP, 3 SIGTERM trials, 3 start-ups, 600 ARP requests
        per target (one every 10,000 µs), 1000 addresses for memory and idle CPU, the lab's
        speaker JVM flags
      """;

  static final Duration CONVERGE = Duration.ofSeconds(60);
  static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(15);

  /** The announce burst (now, then every 1.1 s for 5 s): wait it out before a kill. */
  static final Duration BURST = Duration.ofMillis(5600);

  private final PrintStream out;
  private final Options options;
  private SpeakerLab speakers;
  private LabNode winner;
  private String ip;

  /** When (nanoTime) the winner's current run was seen announcing the address. */
  private long winnerAnnounced;

  SpeakerBenchmark(PrintStream out, Options options) {
    this.out = out;
    this.options = options;
  }

  record Options(
      int killTrials,
      int stopTrials,
      int termTrials,
      int startups,
      int arpRequests,
      Duration arpInterval,
      int rssIps,
      Set<String> only,
      List<String> jvmArgs) {
    boolean runs(String phase) {
      return only.isEmpty() || only.contains(phase);
    }
  }

  public static void main(String[] args) {
    BenchMain.run(
        args,
        USAGE,
        SpeakerBenchmark::parse,
        options -> new SpeakerBenchmark(System.out, options).run());
  }

  static Options parse(List<String> args) {
    int kill = 20;
    int stop = 10;
    int term = 3;
    int startups = 3;
    int arp = 600;
    int arpInterval = 10_000;
    int rss = 1000;
    Set<String> only = new LinkedHashSet<>();
    List<String> jvm = Lab.DEFAULT_JVM_ARGS;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--help") || a.equals("-h")) {
        throw new IllegalArgumentException("");
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("unknown or incomplete argument " + a);
      }
      String v = args.get(++i);
      switch (a) {
        case "--kill-trials" -> kill = number(a, v);
        case "--stop-trials" -> stop = number(a, v);
        case "--term-trials" -> term = number(a, v);
        case "--startups" -> startups = number(a, v);
        case "--arp-requests" -> arp = number(a, v);
        case "--arp-interval-us" -> arpInterval = number(a, v);
        case "--rss-ips" -> rss = number(a, v);
        case "--only" -> only.addAll(Arrays.asList(v.split(",")));
        case "--jvm-args" -> jvm = List.of(v.trim().split("\\s+"));
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (arpInterval < 100) {
      throw new IllegalArgumentException("--arp-interval-us is at least 100, was " + arpInterval);
    }
    return new Options(
        kill, stop, term, startups, arp, Duration.ofNanos(arpInterval * 1000L), rss, only, jvm);
  }

  private static int number(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a number, was " + value);
    }
  }

  void run() {
    long t0 = System.nanoTime();
    // The embedded API keeps the figures comparable with earlier runs; the speaker's timing does
    // not depend on which API server it reads.
    try (Lab lab =
        Lab.builder().nodes(3).kube(LabApi.Kind.EMBEDDED).jvmArgs(options.jvmArgs()).start()) {
      out.printf(
          "lab %s: 3 nodes, client %s, speaker JVM flags %s, logs %s%n",
          lab.run(), lab.client().ip(), options.jvmArgs(), lab.logDir());
      speakers = new SpeakerLab(lab);
      winner = lab.node(1);
      ip = speakers.addressWonBy(winner, 100);
      lab.serveServices();
      speakers.publish("bench", ip);
      out.printf("service address %s; elected among all three: %s%n%n", ip, winner.name());
      if (options.runs("startup")) {
        startups();
      } else {
        speakers.startAll();
        speakers.awaitConverged(CONVERGE);
      }
      speakers.awaitAnnounced(ip, Duration.ofSeconds(20));
      winnerAnnounced = System.nanoTime();
      if (options.runs("kill")) {
        killTrials();
      }
      if (options.runs("stop")) {
        stopTrials();
      }
      if (options.runs("latency")) {
        latency();
      }
      if (options.runs("term")) {
        termTrials();
      }
      if (options.runs("rss")) {
        memory();
      }
    }
    out.printf("%nbenchmark done in %d s%n", (System.nanoTime() - t0) / 1_000_000_000L);
  }

  /** All speakers started at once, repeatedly: convergence time and whether two nodes answered. */
  private void startups() {
    out.println("== start-up: three speakers started at the same moment");
    List<Double> converge = new ArrayList<>();
    int splitBrains = 0;
    for (int i = 1; i <= options.startups(); i++) {
      if (i > 1) {
        speakers.liveNodes().forEach(n -> speakers.speaker(n).stop());
      }
      LabClient.Capture capture = speakers.client().capture("startup-" + i, "arp");
      long start = System.nanoTime();
      if (i == 1) {
        speakers.startAll();
      } else {
        speakers.lab().nodes().forEach(speakers::restart);
      }
      speakers.awaitConverged(CONVERGE);
      double ms = (System.nanoTime() - start) / 1e6;
      LabNode first = speakers.awaitAnnounced(ip, Duration.ofSeconds(20));
      Await.pause(Duration.ofSeconds(2));
      SpeakerLab.stopCapture(capture);
      List<String> claimants = ArpWire.parse(capture.read("arp")).claimants(ip);
      int joinFailures = 0;
      for (LabNode n : speakers.lab().nodes()) {
        joinFailures +=
            (int)
                speakers.speaker(n).output().stream()
                    .filter(l -> l.contains("too many JOIN attempts"))
                    .count();
      }
      converge.add(ms);
      if (claimants.size() > 1) {
        splitBrains++;
      }
      out.printf(
          "  start-up %d: one view after %.0f ms; %s answers; MACs that claimed %s: %s;"
              + " JOIN give-ups: %d%n",
          i, ms, first.name(), ip, claimants, joinFailures);
    }
    out.printf(
        "start-up: converged %s; %d of %d start-ups had two claimants%n%n",
        Stats.of(converge).summary("%.0f", "ms"), splitBrains, options.startups());
  }

  /** SIGKILL the announcing speaker; time until the client's neighbour entry moves. */
  private void killTrials() {
    failoverTrials("kill", options.killTrials(), "SIGKILL", LabProcess::kill);
  }

  /** SIGSTOP the announcing speaker (a frozen JVM keeps its sockets open). */
  private void stopTrials() {
    failoverTrials("stop", options.stopTrials(), "SIGSTOP", LabProcess::freeze);
  }

  private void failoverTrials(
      String name, int trials, String signal, java.util.function.Consumer<LabProcess> fault) {
    if (trials == 0) {
      return;
    }
    out.printf("== failover after %s of the announcing speaker (%s)%n", signal, winner.name());
    LabNode successor = SpeakerLab.expectedWinner(ip, speakers.others(winner));
    List<Double> moved = new ArrayList<>();
    List<Double> firstReply = new ArrayList<>();
    for (int i = 1; i <= trials; i++) {
      prepareTrial();
      long start = System.nanoTime();
      fault.accept(speakers.speaker(winner));
      SpeakerLab.Moved m = speakers.awaitNeighbourMove(ip, winner.mac(), start, FAILOVER_TIMEOUT);
      moved.add(m.after().toNanos() / 1e6);
      String who = speakers.lab().nodeByMac(m.mac()).map(LabNode::name).orElse(m.mac());
      out.printf(
          "  trial %2d: neighbour entry on %s after %4d ms%s%n",
          i,
          who,
          m.after().toMillis(),
          m.mac().equals(successor.mac()) ? "" : " (expected " + successor.name() + ")");
      speakers.speaker(winner).stop();
      double first = restartAndMeasureFirstReply(name + "-" + i);
      firstReply.add(first);
      out.printf(
          "           %s restarted, its first reply on the wire after %.3f ms%n",
          winner.name(), first);
    }
    out.printf("%s failover: %s%n", signal, Stats.of(moved).summary("%.0f", "ms"));
    out.printf(
        "first ARP reply after the restarted speaker announced (wire): %s%n%n",
        Stats.of(firstReply).summary("%.3f", "ms"));
  }

  /**
   * Every speaker in one view, the winner announcing, the client's entry on its MAC, and the
   * winner's announce burst over (a gratuitous frame within the client's locktime of the last one
   * would be ignored, which would measure the client, not the speaker).
   */
  private void prepareTrial() {
    speakers.awaitConverged(CONVERGE);
    Await.until(
        winner.name() + " to answer for " + ip,
        Duration.ofSeconds(20),
        () -> speakers.awaitAnnounced(ip, Duration.ofSeconds(5)).equals(winner));
    long wait = BURST.toNanos() - (System.nanoTime() - winnerAnnounced);
    if (wait > 0) {
      Await.pause(Duration.ofNanos(wait));
    }
    String mac = speakers.resolveFromClient(ip);
    if (!mac.equals(winner.mac())) {
      throw new LabException("the client resolved " + ip + " to " + mac + ", not " + winner);
    }
    Await.pause(Duration.ofMillis(1200));
  }

  /**
   * Starts the winner's speaker again and, the moment it logs that it announces the address, sends
   * ARP requests: the first reply's latency on the wire is the cold answer path.
   */
  private double restartAndMeasureFirstReply(String name) {
    LabClient.Capture capture = speakers.client().capture("first-" + name, "arp");
    LabProcess p = speakers.restart(winner);
    p.awaitLog("announcing " + java.util.regex.Pattern.quote(ip) + " ", CONVERGE);
    winnerAnnounced = System.nanoTime();
    speakers.client().arpingBroadcast(ip, 2, Duration.ofSeconds(2));
    SpeakerLab.stopCapture(capture);
    List<ArpWire.Exchange> ex =
        ArpWire.parse(capture.read("arp"))
            .exchanges(ip, speakers.client().ip(), speakers.client().mac(), 500_000_000L);
    return ex.stream()
        .filter(e -> e.reply().isPresent())
        .findFirst()
        .map(e -> e.latencyNanos().orElseThrow() / 1e6)
        .orElse(Double.NaN);
  }

  /** ARP reply latency on the wire: the speaker's address against an address a kernel owns. */
  private void latency() {
    out.printf(
        "== ARP reply latency on the wire (capture in the client namespace), warmed up,"
            + " one request every %d µs%n",
        options.arpInterval().toNanos() / 1000);
    speakers.awaitConverged(CONVERGE);
    LabNode kernelNode = speakers.others(winner).get(0);
    LabClient client = speakers.client();
    arping(ip, 200);
    arping(kernelNode.ip(), 200);
    LabClient.Capture capture = client.capture("latency", "arp");
    int rounds = 6;
    int per = Math.max(1, options.arpRequests() / rounds);
    for (int r = 0; r < rounds; r++) {
      arping(ip, per);
      arping(kernelNode.ip(), per);
    }
    SpeakerLab.stopCapture(capture);
    ArpWire wire = ArpWire.parse(capture.read("arp"));
    Stats speaker = latencies(wire, ip);
    Stats kernel = latencies(wire, kernelNode.ip());
    out.printf("speaker (%s on %s): %s%n", ip, winner.name(), speaker.summary("%.1f", "µs"));
    out.printf("  p99 %.1f µs%n", speaker.percentile(99));
    out.printf(
        "kernel  (%s, %s's own): %s%n",
        kernelNode.ip(), kernelNode.name(), kernel.summary("%.1f", "µs"));
    out.printf("  p99 %.1f µs%n", kernel.percentile(99));
    out.printf(
        "median ratio speaker/kernel: %.2f; unanswered: speaker %d, kernel %d%n%n",
        speaker.median() / kernel.median(),
        unanswered(wire, ip),
        unanswered(wire, kernelNode.ip()));
  }

  private void arping(String target, int count) {
    speakers.probe(target, count, options.arpInterval());
  }

  private Stats latencies(ArpWire wire, String target) {
    return latencies(wire, speakers.client(), target);
  }

  /** The reply latencies, in µs, of the client's requests for {@code target} on the wire. */
  static Stats latencies(ArpWire wire, LabClient client, String target) {
    List<Double> micros = new ArrayList<>();
    for (ArpWire.Exchange e : wire.exchanges(target, client.ip(), client.mac(), 100_000_000L)) {
      e.latencyNanos().ifPresent(n -> micros.add(n / 1e3));
    }
    return Stats.of(micros);
  }

  private long unanswered(ArpWire wire, String target) {
    return wire
        .exchanges(target, speakers.client().ip(), speakers.client().mac(), 100_000_000L)
        .stream()
        .filter(e -> e.reply().isEmpty())
        .count();
  }

  /** SIGTERM the announcing speaker while the client sends an ARP request every 10 ms. */
  private void termTrials() {
    if (options.termTrials() == 0) {
      return;
    }
    out.printf(
        "== graceful hand-over: SIGTERM to %s while the client sends an ARP request every 10 ms%n",
        winner.name());
    int totalRequests = 0;
    int totalUnanswered = 0;
    for (int i = 1; i <= options.termTrials(); i++) {
      speakers.awaitConverged(CONVERGE);
      speakers.awaitAnnounced(ip, Duration.ofSeconds(20));
      SpeakerLab.HandOver h = speakers.handOver(winner, ip, "term-" + i);
      totalRequests += h.requests();
      totalUnanswered += h.unanswered();
      out.printf(
          "  trial %d: %d requests, %d unanswered (slowest reply %.1f ms), %s exited %d ms after"
              + " SIGTERM%n",
          i, h.requests(), h.unanswered(), h.slowestMillis(), winner.name(), h.exitMillis());
      speakers.restart(winner);
    }
    out.printf(
        "SIGTERM hand-over: %d of %d requests unanswered%n%n", totalUnanswered, totalRequests);
  }

  /** One speaker announcing N addresses: resident memory and idle CPU. */
  private void memory() {
    out.printf(
        "== memory and idle CPU: one speaker announcing %d addresses (JVM flags %s)%n",
        options.rssIps(), options.jvmArgs());
    speakers.awaitConverged(CONVERGE);
    for (LabNode n : speakers.others(winner)) {
      speakers.stoppedOnPurpose(n);
      speakers.speaker(n).terminate();
      speakers.speaker(n).awaitExit(Duration.ofSeconds(15));
    }
    speakers.awaitConverged(CONVERGE);
    LabProcess p = speakers.speaker(winner);
    out.printf("  before: RSS %d MiB announcing 1 address%n", rssKib(p.pid()) / 1024);
    long start = System.nanoTime();
    int perService = 1;
    for (int i = 0; i < options.rssIps(); i += perService) {
      speakers.createService(
          String.format("many-%04d", i), String.format("10.200.%d.%d", i / 250, 1 + i % 250));
    }
    Await.until(
        winner.name() + " to announce " + (options.rssIps() + 1) + " addresses",
        Duration.ofSeconds(120),
        () ->
            speakers.metrics(winner).sum("heraldlb_announced", "node=\"" + winner.name())
                >= options.rssIps() + 1);
    out.printf(
        "  %d Services created and announced in %d ms%n",
        options.rssIps(), (System.nanoTime() - start) / 1_000_000);
    Await.pause(BURST.plusSeconds(1));
    long ticks0 = cpuTicks(p.pid());
    long t0 = System.nanoTime();
    Await.pause(Duration.ofSeconds(20));
    long ticks = cpuTicks(p.pid()) - ticks0;
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.printf(
        "  after: RSS %d MiB announcing %d addresses; idle CPU %.2f%% of one core over %.0f s%n",
        rssKib(p.pid()) / 1024, options.rssIps() + 1, ticks / 100.0 / seconds * 100, seconds);
    out.printf("  (heap in use: %s)%n", heapLine(p));
  }

  private static String heapLine(LabProcess p) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Cmd.Result r =
        Cmd.run(List.of(jcmd, Long.toString(p.pid()), "GC.heap_info"), Duration.ofSeconds(20));
    return r.ok() ? r.out().strip().replace('\n', ' ').replaceAll("\\s+", " ") : "jcmd unavailable";
  }

  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException e) {
      throw new LabException("cannot read the memory of pid " + pid, e);
    }
    throw new LabException("no VmRSS for pid " + pid);
  }

  /** utime + stime, in clock ticks (1/100 s). */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException e) {
      throw new LabException("cannot read the CPU time of pid " + pid, e);
    }
  }
}
