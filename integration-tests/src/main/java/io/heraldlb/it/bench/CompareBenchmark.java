package io.heraldlb.it.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.heraldlb.it.lab.ArpWire;
import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabApi;
import io.heraldlb.it.lab.LabClient;
import io.heraldlb.it.lab.LabException;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.Workloads;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HeraldLB against MetalLB, in one lab on the real control plane, probed by the same client: each
 * scenario runs first on HeraldLB, then on MetalLB (its own speaker and controller, built from its
 * module), and every figure is printed with both values, their ratio and the target. Not part of
 * {@code mvn verify}: {@code sudo ./integration-tests/bench.sh compare}.
 *
 * <p>Long on purpose: one method per scenario, each printing what it measured; the two programs are
 * driven through {@link Contender}.
 */
public final class CompareBenchmark {
  static final String USAGE =
      """
      usage: bench.sh compare [--kill-trials N] [--stop-trials N] [--link-trials N]
                              [--arp-requests N] [--services N] [--restart-services N]
                              [--stress-minutes N]
                              [--only kill,stop,link,roll,latency,memory,services,restart,stress]
                              [--contenders heraldlb,metallb] [--out DIR]
        defaults: 20 SIGKILL, 10 SIGSTOP and 10 link-down trials, one rolling restart, 600 ARP
        requests per target and spacing (10 ms and 1 ms), 1000 Services, a controller restart
        with 10000, 10 minutes of CPU saturation, both contenders, results in
        integration-tests/target/bench/
      """;

  private static final int SERVICE_PORT = 80;
  private static final Duration BURST = Duration.ofMillis(5600);
  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);
  private static final int WRITERS = 8;
  private static final String LINK_DOWN = "link down";

  /** A rollout's step: stop, start, join (the readiness probe's delay comes on top). */
  private static final Duration ROLL_STEP = Duration.ofSeconds(20);

  /** The speaker DaemonSet's readiness probe: initialDelaySeconds. */
  private static final Duration READINESS_DELAY = Duration.ofSeconds(3);

  private static final Pattern LOAD_RESULT = Pattern.compile("sent (\\d+) failed (\\d+)");

  record Options(
      int killTrials,
      int stopTrials,
      int linkTrials,
      int arpRequests,
      int services,
      int restartServices,
      int stressMinutes,
      Set<String> only,
      Set<String> contenders,
      Path out) {
    boolean runs(String phase) {
      return only.isEmpty() || only.contains(phase);
    }

    boolean measures(Contender c) {
      return contenders.isEmpty() || contenders.contains(c.name().toLowerCase(Locale.ROOT));
    }
  }

  private final PrintStream out;
  private final Options options;
  private final Report report;
  private Lab lab;

  CompareBenchmark(PrintStream out, Options options) {
    this.out = out;
    this.options = options;
    this.report = new Report(out);
  }

  public static void main(String[] args) {
    BenchMain.run(
        args,
        USAGE,
        CompareBenchmark::parse,
        options -> new CompareBenchmark(System.out, options).run());
  }

  static Options parse(List<String> args) {
    int kill = 20;
    int stop = 10;
    int link = 10;
    int arp = 600;
    int services = 1000;
    int restartServices = 10_000;
    int stress = 10;
    Set<String> only = new LinkedHashSet<>();
    Set<String> contenders = new LinkedHashSet<>();
    Path outDir = Path.of("integration-tests/target/bench");
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--help")) {
        throw new IllegalArgumentException("");
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args.get(++i);
      switch (a) {
        case "--kill-trials" -> kill = number(a, v);
        case "--stop-trials" -> stop = number(a, v);
        case "--link-trials" -> link = number(a, v);
        case "--stress-minutes" -> stress = number(a, v);
        case "--arp-requests" -> arp = number(a, v);
        case "--services" -> services = number(a, v);
        case "--restart-services" -> restartServices = number(a, v);
        case "--only" -> only.addAll(Arrays.asList(v.split(",")));
        case "--contenders" -> contenders.addAll(Arrays.asList(v.split(",")));
        case "--out" -> outDir = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    Set<String> phases =
        Set.of(
            "kill", "stop", "link", "roll", "latency", "memory", "services", "restart", "stress");
    for (String phase : only) {
      if (!phases.contains(phase)) {
        throw new IllegalArgumentException("--only takes " + phases + ", not " + phase);
      }
    }
    for (String contender : contenders) {
      if (!Set.of("heraldlb", "metallb").contains(contender)) {
        throw new IllegalArgumentException(
            "--contenders takes heraldlb and metallb, not " + contender);
      }
    }
    return new Options(
        kill, stop, link, arp, services, restartServices, stress, only, contenders, outDir);
  }

  private static int number(String name, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a positive number, was " + value);
    }
  }

  /** Services with an address, polled: seconds since the first create, and how many. */
  record Timeline(List<Double> seconds, List<Double> addressed) {
    static Timeline empty() {
      return new Timeline(new ArrayList<>(), new ArrayList<>());
    }
  }

  /** What one contender measured. */
  private static final class Phase {
    final Map<String, List<Double>> neighbour = new LinkedHashMap<>();
    final Map<String, List<Double>> http = new LinkedHashMap<>();
    final Map<Duration, Stats> latency = new LinkedHashMap<>();
    final Map<Duration, Stats> kernel = new LinkedHashMap<>();
    Roll roll;
    Restart restart;
    Stress stress;
    double speakerRssIdle = Double.NaN;
    double allocatorRssIdle = Double.NaN;
    double idleCpu = Double.NaN;
    double pendingMs = Double.NaN;
    double burstMs = Double.NaN;
    double burstCpuSeconds = Double.NaN;
    Timeline burstTimeline = Timeline.empty();
    double announcerRssLoaded = Double.NaN;
    double allocatorRssLoaded = Double.NaN;
  }

  void run() {
    long t0 = System.nanoTime();
    try (Lab started = Lab.builder().nodes(3).kube(LabApi.Kind.REAL).start()) {
      lab = started;
      lab.serveServices();
      out.printf(
          "lab %s: 3 nodes on the real control plane, client %s, logs %s%n",
          lab.run(), lab.client().ip(), lab.logDir());
      report.context("lab", "3 nodes, real kube-apiserver, kube-proxy per node");
      report.context("machine", Runtime.getRuntime().availableProcessors() + " CPUs");
      double baselineMs = Double.NaN;
      Timeline baselineTimeline = Timeline.empty();
      if (options.runs("services")) {
        out.printf(
            "== baseline: a bare client creating %d Services and writing each status%n",
            options.services());
        long start = System.nanoTime();
        baselineTimeline = createServices("bench-baseline", options.services(), true, true, true);
        baselineMs = (System.nanoTime() - start) / 1e6;
        out.printf("  done in %.0f ms%n", baselineMs);
        deleteNamespace("bench-baseline");
      }
      Map<String, Phase> phases = new LinkedHashMap<>();
      for (Contender c : List.of(new Contender.HeraldLb(lab), new Contender.MetalLb(lab))) {
        phases.put(c.name(), options.measures(c) ? measure(c) : new Phase());
      }
      rows(phases.get("HeraldLB"), phases.get("MetalLB"), baselineMs);
      if (options.runs("services")) {
        timeline("bare client", baselineTimeline);
      }
      report.context("took", (System.nanoTime() - t0) / 1_000_000_000L + " s");
      report.write(options.out());
      Plots.write(report, options.out());
      out.printf("%nresults: %s/results.md, results.json, *.png%n", options.out());
    }
  }

  private Phase measure(Contender c) {
    out.printf("%n===== %s =====%n", c.name());
    Phase phase = new Phase();
    c.start();
    String ip = lab.subnet().v4(100);
    try {
      createBenchService(ip);
      LabNode winner = stableAnnouncer(ip);
      out.printf("%s: bench service at %s, announced by %s%n", c.name(), ip, winner.name());
      if (options.runs("kill")) {
        failover(c, ip, phase, "SIGKILL", options.killTrials(), (node, p) -> p.kill(), n -> {});
      }
      if (options.runs("stop")) {
        failover(c, ip, phase, "SIGSTOP", options.stopTrials(), (node, p) -> p.freeze(), n -> {});
      }
      if (options.runs("link")) {
        failover(
            c,
            ip,
            phase,
            LINK_DOWN,
            options.linkTrials(),
            (node, p) -> lab.unplug(node),
            lab::plug);
      }
      if (options.runs("roll")) {
        phase.roll = roll(c, ip);
      }
      if (options.runs("latency")) {
        for (Duration spacing : List.of(Duration.ofMillis(10), Duration.ofMillis(1))) {
          latency(ip, spacing, phase);
        }
      }
      if (options.runs("memory")) {
        idle(c, ip, phase);
      }
      if (options.runs("services")) {
        services(c, phase);
      }
      if (options.runs("restart")) {
        phase.restart = restart(c);
      }
      if (options.runs("stress")) {
        phase.stress = stress(c, ip);
      }
    } catch (RuntimeException e) {
      try {
        stop(c);
      } catch (RuntimeException also) {
        e.addSuppressed(also); // the first failure is the one to read
      }
      throw e;
    }
    stop(c);
    return phase;
  }

  private void stop(Contender c) {
    lab.kube().services().inNamespace("default").withName("bench").delete();
    c.stop();
  }

  /** The measured Service: its address asked for by MetalLB's annotation, which both read. */
  private void createBenchService(String ip) {
    Service svc =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("bench")
            .withNamespace("default")
            .addToAnnotations("metallb.io/loadBalancerIPs", ip)
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .addToSelector("app", "bench")
            .addNewPort()
            .withPort(SERVICE_PORT)
            .withProtocol("TCP")
            .endPort()
            .endSpec()
            .build();
    lab.kube().services().resource(svc).create();
    Await.until(
        "the bench Service to get " + ip,
        Duration.ofSeconds(60),
        () ->
            ips(lab.kube().services().inNamespace("default").withName("bench").get()).contains(ip));
  }

  /** The node that alone answers ARP for {@code ip}, the same twice, a burst apart. */
  private LabNode stableAnnouncer(String ip) {
    return Await.value(
        "one node to answer for " + ip + " steadily",
        Duration.ofSeconds(120),
        () -> {
          Optional<LabNode> first = announcer(ip);
          if (first.isEmpty()) {
            return Optional.empty();
          }
          Await.pause(BURST);
          return announcer(ip).filter(first.get()::equals);
        });
  }

  private Optional<LabNode> announcer(String ip) {
    List<String> macs = lab.client().arpingBroadcast(ip, 1, Duration.ofSeconds(1)).distinctMacs();
    return macs.size() == 1 ? lab.nodeByMac(macs.get(0)) : Optional.empty();
  }

  /**
   * A fault of the announcing speaker (SIGKILL: the process is gone; SIGSTOP: frozen, its
   * connections open; link down: its node's cable pulled): until the client's neighbour entry holds
   * another node's MAC, and until the first HTTP answer that came in through another node. Then the
   * fault is {@code healed} and the speaker started afresh.
   */
  private void failover(
      Contender c,
      String ip,
      Phase phase,
      String signal,
      int trials,
      BiConsumer<LabNode, LabProcess> fault,
      Consumer<LabNode> heal) {
    out.printf(
        "== %s: failover after %s of the announcing speaker, %d trials%n",
        c.name(), signal, trials);
    List<Double> neighbour = phase.neighbour.computeIfAbsent(signal, k -> new ArrayList<>());
    List<Double> http = phase.http.computeIfAbsent(signal, k -> new ArrayList<>());
    for (int i = 1; i <= trials; i++) {
      LabNode winner = stableAnnouncer(ip);
      LabClient client = lab.client();
      client.flushNeighbour(ip);
      client.curl(ip, SERVICE_PORT);
      String mac =
          client.neighbourMac(ip).orElseThrow(() -> new LabException("no entry for " + ip));
      if (!mac.equals(winner.mac())) {
        throw new LabException("the client resolved " + ip + " to " + mac + ", not " + winner);
      }
      Await.pause(Duration.ofMillis(1200)); // past the client's locktime for that entry
      long start = System.nanoTime();
      fault.accept(winner, c.speaker(winner));
      String moved =
          Await.value(
              "the client's entry for " + ip + " to leave " + winner.name(),
              FAILOVER_TIMEOUT,
              () -> client.neighbourMac(ip).filter(m -> !m.equals(winner.mac())));
      double neighbourMs = (System.nanoTime() - start) / 1e6;
      Await.until(
          "an HTTP answer through another node than " + winner.name(),
          FAILOVER_TIMEOUT,
          () ->
              client
                  .get(ip, SERVICE_PORT, Duration.ofMillis(300))
                  .map(a -> !lab.entryNode(a).equals(winner))
                  .orElse(false));
      double httpMs = (System.nanoTime() - start) / 1e6;
      neighbour.add(neighbourMs);
      http.add(httpMs);
      out.printf(
          "  trial %2d: %s %s; entry on %s after %5.0f ms, HTTP through it after %5.0f ms%n",
          i,
          signal,
          winner.name(),
          lab.nodeByMac(moved).map(LabNode::name).orElse(moved),
          neighbourMs,
          httpMs);
      heal.accept(winner);
      c.restartSpeaker(winner);
    }
    out.printf("  neighbour entry: %s%n", Stats.of(neighbour).summary("%.0f", "ms"));
    out.printf("  first HTTP answer: %s%n", Stats.of(http).summary("%.0f", "ms"));
  }

  /** What a rolling restart of every speaker cost the client. */
  record Roll(int probes, int unanswered, int requests, int failed) {
    static final Roll NONE = new Roll(0, -1, 0, -1);
  }

  /**
   * Every speaker restarted as a DaemonSet rollout does, one node at a time (SIGTERM, exit, a new
   * one, the next node once it has joined and its readiness probe's initial delay has passed),
   * while the client sends a broadcast ARP request every 10 ms and an HTTP request every 10 ms.
   */
  private Roll roll(Contender c, String ip) {
    stableAnnouncer(ip);
    LabClient client = lab.client();
    out.printf("== %s: rolling restart of every speaker under ARP and HTTP load%n", c.name());
    LabClient.Capture capture = client.capture("roll-" + c.name(), "arp");
    Duration spacing = Duration.ofMillis(10);
    Duration length = ROLL_STEP.multipliedBy(lab.nodes().size()).plusSeconds(30);
    int count = (int) (length.toMillis() / spacing.toMillis());
    LabProcess probe = client.startProbe(ip, count, spacing);
    LabProcess load = client.startHttpLoad(ip, SERVICE_PORT, count, spacing);
    Await.pause(Duration.ofSeconds(2));
    for (LabNode node : lab.nodes()) {
      long start = System.nanoTime();
      c.rollSpeaker(node);
      Await.pause(READINESS_DELAY);
      out.printf(
          "  %s's speaker restarted and in the group again after %.0f ms%n",
          node.name(), (System.nanoTime() - start) / 1e6);
    }
    probe.awaitExit(length.plusSeconds(60));
    load.awaitExit(length.plusSeconds(60));
    io.heraldlb.it.lab.SpeakerLab.stopCapture(capture);
    ArpWire wire = ArpWire.parse(capture.read("arp"));
    List<ArpWire.Exchange> exchanges = wire.exchanges(ip, client.ip(), client.mac(), 200_000_000L);
    int unanswered = (int) exchanges.stream().filter(e -> e.reply().isEmpty()).count();
    Matcher m = LOAD_RESULT.matcher(load.tail(1));
    if (!m.find()) {
      throw new LabException("the HTTP load printed no result: " + load.tail(5));
    }
    Roll roll =
        new Roll(
            exchanges.size(),
            unanswered,
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)));
    out.printf(
        "  %d of %d ARP requests unanswered, %d of %d HTTP requests failed%n",
        roll.unanswered(), roll.probes(), roll.failed(), roll.requests());
    return roll;
  }

  /** What a long run with the announcing node's CPUs saturated showed. */
  record Stress(int minutes, int probes, int unanswered, int moves, int collections) {
    static final Stress NONE = new Stress(0, 0, -1, -1, 0);
  }

  /**
   * Every CPU saturated by {@code stress-ng} for {@code --stress-minutes}, the announcing speaker
   * made to run a full collection every 5 s (where its runtime allows), while the client sends a
   * broadcast ARP request every 100 ms: each change of the answering MAC is a failover that should
   * not have happened.
   */
  private Stress stress(Contender c, String ip) {
    LabNode winner = stableAnnouncer(ip);
    int minutes = options.stressMinutes();
    Duration length = Duration.ofMinutes(minutes);
    int cpus = Runtime.getRuntime().availableProcessors();
    out.printf(
        "== %s: %d min, %d stress-ng CPU workers, %s's speaker collecting every 5 s%n",
        c.name(), minutes, cpus, winner.name());
    LabClient client = lab.client();
    LabClient.Capture capture = client.capture("stress-" + c.name(), "arp");
    Duration spacing = Duration.ofMillis(100);
    int count = (int) (length.toMillis() / spacing.toMillis());
    LabProcess probe = client.startProbe(ip, count, spacing);
    int collections = 0;
    LabProcess stress =
        lab.start(
            "stress-ng-" + c.name(),
            winner,
            Map.of(),
            List.of(
                "stress-ng",
                "--cpu",
                Integer.toString(cpus),
                "--timeout",
                length.toSeconds() + "s",
                "--quiet"));
    try {
      long end = System.nanoTime() + length.toNanos();
      while (System.nanoTime() < end) {
        Await.pause(Duration.ofSeconds(5));
        if (c.collectGarbage(winner)) {
          collections++;
        }
      }
      stress.awaitExit(Duration.ofSeconds(30));
    } finally {
      stress.stop();
    }
    probe.awaitExit(Duration.ofSeconds(60));
    io.heraldlb.it.lab.SpeakerLab.stopCapture(capture);
    ArpWire wire = ArpWire.parse(capture.read("arp"));
    List<ArpWire.Exchange> exchanges = wire.exchanges(ip, client.ip(), client.mac(), 200_000_000L);
    int unanswered = (int) exchanges.stream().filter(e -> e.reply().isEmpty()).count();
    int moves = 0;
    String last = winner.mac();
    for (ArpWire.Frame f : wire.frames()) {
      boolean claim = f.request() ? f.gratuitous() && f.ip().equals(ip) : f.ip().equals(ip);
      if (claim && !f.srcMac().equals(last)) {
        moves++;
        last = f.srcMac();
      }
    }
    Stress result = new Stress(minutes, exchanges.size(), unanswered, moves, collections);
    out.printf(
        "  answering node changed %d times; %d of %d requests unanswered; %d full collections%n",
        moves, unanswered, exchanges.size(), collections);
    return result;
  }

  /** ARP reply latency on the wire for the speaker's address and for a kernel's own address. */
  private void latency(String ip, Duration spacing, Phase phase) {
    LabNode winner = stableAnnouncer(ip);
    LabNode kernelNode =
        lab.nodes().stream().filter(n -> !n.equals(winner)).findFirst().orElseThrow();
    LabClient client = lab.client();
    client.probe(ip, 200, spacing);
    client.probe(kernelNode.ip(), 200, spacing);
    LabClient.Capture capture = client.capture("latency-" + spacing.toMillis() + "ms", "arp");
    int rounds = 6;
    int per = Math.max(1, options.arpRequests() / rounds);
    for (int r = 0; r < rounds; r++) {
      client.probe(ip, per, spacing);
      client.probe(kernelNode.ip(), per, spacing);
    }
    Await.pause(Duration.ofMillis(500));
    capture.stop();
    ArpWire wire = ArpWire.parse(capture.read("arp"));
    Stats speaker = SpeakerBenchmark.latencies(wire, client, ip);
    Stats kernel = SpeakerBenchmark.latencies(wire, client, kernelNode.ip());
    phase.latency.put(spacing, speaker);
    phase.kernel.put(spacing, kernel);
    out.printf(
        "  ARP every %d ms: speaker %s; kernel %s; ratio %.2f%n",
        spacing.toMillis(),
        speaker.summary("%.1f", "µs"),
        kernel.summary("%.1f", "µs"),
        speaker.median() / kernel.median());
  }

  /** Resident memory of every speaker and of the allocator, and the announcer's idle CPU. */
  private void idle(Contender c, String ip, Phase phase) {
    LabNode winner = stableAnnouncer(ip);
    Await.pause(Duration.ofSeconds(10));
    phase.speakerRssIdle =
        lab.nodes().stream()
            .mapToDouble(n -> SpeakerBenchmark.rssKib(c.speaker(n).pid()) / 1024.0)
            .max()
            .orElseThrow();
    phase.allocatorRssIdle = SpeakerBenchmark.rssKib(c.allocator().pid()) / 1024.0;
    long pid = c.speaker(winner).pid();
    long ticks0 = SpeakerBenchmark.cpuTicks(pid);
    long t0 = System.nanoTime();
    Await.pause(Duration.ofSeconds(20));
    double seconds = (System.nanoTime() - t0) / 1e9;
    phase.idleCpu = (SpeakerBenchmark.cpuTicks(pid) - ticks0) / 100.0 / seconds * 100;
    out.printf(
        "  idle, one address: speakers' RSS up to %.0f MiB, allocator %.0f MiB,"
            + " announcer's CPU %.2f%% of a core%n",
        phase.speakerRssIdle, phase.allocatorRssIdle, phase.idleCpu);
  }

  /**
   * N Services waiting while the allocator is down, then the allocator started: until all have an
   * address; then N more created at once with it running. Then the speakers' and the allocator's
   * memory with all of them announced.
   */
  private void services(Contender c, Phase phase) {
    int n = options.services();
    out.printf("== %s: %d pending Services, then %d created at once%n", c.name(), n, n);
    c.stopAllocator();
    createServices("bench-pending", n, true, false, false);
    long start = System.nanoTime();
    c.startAllocator();
    awaitAddresses("bench-pending", n, Duration.ofMinutes(10), count -> {});
    phase.pendingMs = (System.nanoTime() - start) / 1e6;
    out.printf(
        "  %d pending Services got addresses %.0f ms after the allocator started%n",
        n, phase.pendingMs);
    long ticks = cpuTicks(c);
    start = System.nanoTime();
    phase.burstTimeline = createServices("bench-burst", n, true, false, true);
    phase.burstMs = (System.nanoTime() - start) / 1e6;
    phase.burstCpuSeconds = (cpuTicks(c) - ticks) / 100.0;
    out.printf(
        "  %d Services created at once had addresses after %.0f ms; its programs used %.1f CPU s%n",
        n, phase.burstMs, phase.burstCpuSeconds);
    int want = 2 * n + 1;
    long announcedBy = System.nanoTime();
    Await.until(
        c.name() + "'s speakers to announce " + want + " addresses",
        Duration.ofMinutes(10),
        () -> c.announced().values().stream().mapToInt(Integer::intValue).sum() >= want);
    Await.pause(BURST);
    Map<String, Integer> announced = c.announced();
    phase.announcerRssLoaded =
        lab.nodes().stream()
            .mapToDouble(node -> SpeakerBenchmark.rssKib(c.speaker(node).pid()) / 1024.0)
            .max()
            .orElseThrow();
    phase.allocatorRssLoaded = SpeakerBenchmark.rssKib(c.allocator().pid()) / 1024.0;
    out.printf(
        "  announced %s (all %.0f ms after the last address); speakers' RSS up to %.0f MiB,"
            + " allocator %.0f MiB%n",
        announced,
        (System.nanoTime() - announcedBy) / 1e6,
        phase.announcerRssLoaded,
        phase.allocatorRssLoaded);
    deleteNamespace("bench-pending");
    deleteNamespace("bench-burst");
  }

  /**
   * Creates {@code n} LoadBalancer Services in a new namespace from {@link #WRITERS} threads, each
   * with a ready EndpointSlice of its own (MetalLB announces only Services with a ready endpoint)
   * and no lab backends. With {@code writeStatus}, the bare client writes each Service's status
   * itself, as an allocator would. With {@code awaitAddressed}, returns once all have an address,
   * with the count of Services with an address every 100 ms; else once all are created.
   */
  private Timeline createServices(
      String namespace, int n, boolean endpoints, boolean writeStatus, boolean awaitAddressed) {
    KubernetesClient kube = lab.kube();
    kube.namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    Timeline timeline = Timeline.empty();
    long start = System.nanoTime();
    java.util.concurrent.atomic.AtomicLong lastCreated =
        new java.util.concurrent.atomic.AtomicLong();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int first = w;
        done.add(
            writers.submit(
                () -> {
                  for (int i = first; i < n; i += WRITERS) {
                    createService(kube, namespace, i, endpoints, writeStatus);
                  }
                  lastCreated.accumulateAndGet(System.nanoTime(), Math::max);
                }));
      }
      if (!awaitAddressed) {
        for (Future<?> f : done) {
          f.get();
        }
        return timeline;
      }
      awaitAddresses(
          namespace,
          n,
          Duration.ofMinutes(10),
          count -> {
            timeline.seconds().add((System.nanoTime() - start) / 1e9);
            timeline.addressed().add((double) count);
          });
      for (Future<?> f : done) {
        f.get();
      }
      out.printf(
          "    (%d Services with an address after %.0f ms, all created after %.0f ms)%n",
          n, (System.nanoTime() - start) / 1e6, (lastCreated.get() - start) / 1e6);
      return timeline;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new LabException("creating Services failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    } finally {
      writers.shutdownNow();
    }
  }

  private void createService(
      KubernetesClient kube, String namespace, int i, boolean endpoints, boolean writeStatus) {
    String name = String.format("svc-%05d", i);
    if (endpoints) {
      kube.resource(
              new EndpointSliceBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(namespace)
                  .addToLabels("kubernetes.io/service-name", name)
                  .endMetadata()
                  .withAddressType("IPv4")
                  .addNewEndpoint()
                  .withAddresses("10.244.200." + (1 + i % 250))
                  .withNewConditions()
                  .withReady(true)
                  .endConditions()
                  .endEndpoint()
                  .addNewPort()
                  .withPort(SERVICE_PORT)
                  .withProtocol("TCP")
                  .endPort()
                  .build())
          .create();
    }
    Service created =
        kube.services()
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .addToAnnotations(Workloads.MANUAL, "manual")
                    .addToAnnotations("metallb.io/address-pool", "many")
                    .endMetadata()
                    .withNewSpec()
                    .withType("LoadBalancer")
                    // thousands of Services would exhaust the 2,768 node ports
                    .withAllocateLoadBalancerNodePorts(endpoints)
                    .addNewPort()
                    .withPort(SERVICE_PORT)
                    .withProtocol("TCP")
                    .endPort()
                    .endSpec()
                    .build())
            .create();
    if (writeStatus) {
      created.setStatus(
          new io.fabric8.kubernetes.api.model.ServiceStatusBuilder()
              .withNewLoadBalancer()
              .addNewIngress()
              .withIp(String.format("10.201.%d.%d", i / 250, 1 + i % 250))
              .endIngress()
              .endLoadBalancer()
              .build());
      kube.services().resource(created).updateStatus();
    }
  }

  /** CPU time (clock ticks) used so far by the contender's allocator and speakers. */
  private long cpuTicks(Contender c) {
    long ticks = SpeakerBenchmark.cpuTicks(c.allocator().pid());
    for (LabNode node : lab.nodes()) {
      ticks += SpeakerBenchmark.cpuTicks(c.speaker(node).pid());
    }
    return ticks;
  }

  /** What a controller restart with many Services showed. */
  record Restart(
      int services, double pendingMs, double readyMs, int changed, double rssMib, int speakers) {
    static final Restart NONE = new Restart(0, Double.NaN, Double.NaN, -1, Double.NaN, -1);
  }

  /**
   * {@code --restart-services} Services (no endpoints) created while the allocator is down, then
   * the allocator started: until all have an address. Then the allocator restarted (SIGTERM, a new
   * process) and one more Service created at once: until that one has an address, which it can only
   * get once the new process has loaded every existing assignment; and how many of the others have
   * another address afterwards.
   */
  private Restart restart(Contender c) {
    int n = options.restartServices();
    String ns = "bench-restart";
    out.printf("== %s: controller restart with %d Services%n", c.name(), n);
    c.stopAllocator();
    createServices(ns, n, false, false, false);
    long start = System.nanoTime();
    c.startAllocator();
    awaitAddresses(ns, n, Duration.ofMinutes(30), count -> {});
    double pendingMs = (System.nanoTime() - start) / 1e6;
    out.printf("  %d pending Services got addresses %.0f ms after it started%n", n, pendingMs);
    Map<String, List<String>> before = addresses(ns);
    double rss = SpeakerBenchmark.rssKib(c.allocator().pid()) / 1024.0;
    c.stopAllocator();
    start = System.nanoTime();
    c.startAllocator();
    createService(lab.kube(), ns, n, false, false);
    String probe = String.format("svc-%05d", n);
    Await.until(
        probe + " to get an address after the restart",
        Duration.ofMinutes(10),
        () -> {
          boolean addressed =
              !ips(lab.kube().services().inNamespace(ns).withName(probe).get()).isEmpty();
          if (!addressed) {
            Await.pause(Duration.ofMillis(20));
          }
          return addressed;
        });
    double readyMs = (System.nanoTime() - start) / 1e6;
    Await.pause(Duration.ofSeconds(5));
    Map<String, List<String>> after = addresses(ns);
    int changed =
        (int)
            before.entrySet().stream()
                .filter(e -> !e.getValue().equals(after.get(e.getKey())))
                .count();
    out.printf(
        "  restarted: a new Service addressed after %.0f ms; %d of %d addresses changed;"
            + " RSS with %d Services %.0f MiB%n",
        readyMs, changed, n, n, rss);
    // Every address is announced meanwhile (HeraldLB's speakers announce a Cluster-policy Service
    // without endpoints, MetalLB's do not): did every speaker live through it?
    int speakers = (int) lab.nodes().stream().filter(node -> c.speaker(node).isAlive()).count();
    out.printf("  speakers still running: %d of %d%n", speakers, lab.nodes().size());
    deleteNamespace(ns);
    return new Restart(n, pendingMs, readyMs, changed, rss, speakers);
  }

  private Map<String, List<String>> addresses(String namespace) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Service s : lab.kube().services().inNamespace(namespace).list().getItems()) {
      out.put(s.getMetadata().getName(), ips(s));
    }
    return out;
  }

  /**
   * Polls (a list, then a pause: 100 ms, longer for thousands so that the poll itself does not load
   * the API server) until {@code n} Services of {@code namespace} have an address.
   */
  private void awaitAddresses(String namespace, int n, Duration timeout, IntConsumer each) {
    Duration pause = Duration.ofMillis(Math.max(100, n / 10));
    Await.until(
        n + " Services of " + namespace + " to have an address",
        timeout,
        () -> {
          long count =
              lab.kube().services().inNamespace(namespace).list().getItems().stream()
                  .filter(s -> !ips(s).isEmpty())
                  .count();
          each.accept((int) count);
          if (count < n) {
            Await.pause(pause);
          }
          return count >= n;
        });
  }

  private void deleteNamespace(String namespace) {
    lab.kube().namespaces().withName(namespace).delete();
    // The namespace controller removes 10,000 Services in about ten minutes on two cores.
    Await.until(
        namespace + " to be gone",
        Duration.ofMinutes(20),
        () -> lab.kube().namespaces().withName(namespace).get() == null);
  }

  private static List<String> ips(Service s) {
    if (s == null
        || s.getStatus() == null
        || s.getStatus().getLoadBalancer() == null
        || s.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return s.getStatus().getLoadBalancer().getIngress().stream()
        .map(io.fabric8.kubernetes.api.model.LoadBalancerIngress::getIp)
        .toList();
  }

  private void rows(Phase h, Phase m, double baselineMs) {
    out.printf("%n===== HeraldLB against MetalLB, same lab, same run =====%n");
    Set<String> signals = new LinkedHashSet<>(h.neighbour.keySet());
    signals.addAll(m.neighbour.keySet());
    for (String signal : signals) {
      Stats hn = Stats.of(h.neighbour.getOrDefault(signal, List.of()));
      Stats mn = Stats.of(m.neighbour.getOrDefault(signal, List.of()));
      boolean kill = signal.equals("SIGKILL");
      String n = hn.count() + " / " + mn.count();
      String moved = signal + " failover, client's entry moved";
      row(
          moved + ": median",
          "ms",
          hn.median(),
          mn.median(),
          kill ? "≤ 100 ms, ≥ 20× faster" : "≤ 700 ms",
          n);
      row(moved + ": max", "ms", hn.max(), mn.max(), kill ? "≤ 200 ms" : "≤ 1 s", n);
      String answered = signal + " failover, first HTTP answer";
      row(
          answered + ": median",
          "ms",
          Stats.of(h.http.getOrDefault(signal, List.of())).median(),
          Stats.of(m.http.getOrDefault(signal, List.of())).median(),
          "",
          n);
      report.samples(moved + " (ms)", "HeraldLB", h.neighbour.getOrDefault(signal, List.of()));
      report.samples(moved + " (ms)", "MetalLB", m.neighbour.getOrDefault(signal, List.of()));
      report.samples(answered + " (ms)", "HeraldLB", h.http.getOrDefault(signal, List.of()));
      report.samples(answered + " (ms)", "MetalLB", m.http.getOrDefault(signal, List.of()));
    }
    if (options.runs("latency")) {
      Set<Duration> spacings = new LinkedHashSet<>(h.latency.keySet());
      spacings.addAll(m.latency.keySet());
      for (Duration spacing : spacings) {
        String every = "every " + spacing.toMillis() + " ms";
        Stats hs = h.latency.getOrDefault(spacing, Stats.of(List.of()));
        Stats hk = h.kernel.getOrDefault(spacing, Stats.of(List.of()));
        Stats ms = m.latency.getOrDefault(spacing, Stats.of(List.of()));
        Stats mk = m.kernel.getOrDefault(spacing, Stats.of(List.of()));
        String n = hs.count() + " / " + ms.count();
        row(
            "ARP reply latency, " + every + ": median",
            "µs",
            hs.median(),
            ms.median(),
            "faster than MetalLB",
            n);
        row(
            "ARP reply latency, " + every + ": p99",
            "µs",
            hs.percentile(99),
            ms.percentile(99),
            "",
            n);
        row(
            "ARP reply latency, " + every + ": median ÷ kernel's (same run)",
            "×",
            hs.median() / hk.median(),
            ms.median() / mk.median(),
            "≤ 1.5×",
            n);
        report.samples("ARP reply latency " + every + " (µs)", "HeraldLB", hs.sorted());
        report.samples("ARP reply latency " + every + " (µs)", "MetalLB", ms.sorted());
        report.samples(
            "ARP reply latency " + every + " (µs)", "kernel", (hk.count() > 0 ? hk : mk).sorted());
      }
    }
    if (options.runs("roll")) {
      Roll hr = h.roll == null ? Roll.NONE : h.roll;
      Roll mr = m.roll == null ? Roll.NONE : m.roll;
      row(
          "rolling restart: ARP requests (every 10 ms) unanswered",
          "",
          orNaN(hr.unanswered()),
          orNaN(mr.unanswered()),
          "0",
          hr.probes() + " / " + mr.probes());
      row(
          "rolling restart: HTTP requests (100/s) failed",
          "",
          orNaN(hr.failed()),
          orNaN(mr.failed()),
          "0",
          hr.requests() + " / " + mr.requests());
    }
    if (options.runs("restart")) {
      Restart hr = h.restart == null ? Restart.NONE : h.restart;
      Restart mr = m.restart == null ? Restart.NONE : m.restart;
      int n = options.restartServices();
      row(
          n + " pending Services (no endpoints): all addressed after the allocator starts",
          "ms",
          hr.pendingMs(),
          mr.pendingMs(),
          "",
          "1");
      row("allocator RSS with " + n + " Services", "MiB", hr.rssMib(), mr.rssMib(), "", "1");
      row(
          "restart with " + n + " Services: a new Service addressed after",
          "ms",
          hr.readyMs(),
          mr.readyMs(),
          "≤ 3 s",
          "1");
      row(
          "speakers still running with " + n + " Services",
          "",
          orNaN(hr.speakers()),
          orNaN(mr.speakers()),
          "all " + lab.nodes().size(),
          "1");
      row(
          "restart with " + n + " Services: addresses changed",
          "",
          orNaN(hr.changed()),
          orNaN(mr.changed()),
          "0",
          "1");
    }
    if (options.runs("stress")) {
      Stress hs = h.stress == null ? Stress.NONE : h.stress;
      Stress ms = m.stress == null ? Stress.NONE : m.stress;
      row(
          "CPUs saturated " + options.stressMinutes() + " min, full GC every 5 s: failovers",
          "",
          orNaN(hs.moves()),
          orNaN(ms.moves()),
          "0",
          hs.probes() + " / " + ms.probes());
      row(
          "CPUs saturated: ARP requests (every 100 ms) unanswered",
          "",
          orNaN(hs.unanswered()),
          orNaN(ms.unanswered()),
          "",
          hs.probes() + " / " + ms.probes());
    }
    if (options.runs("memory")) {
      row(
          "speaker RSS, idle, one address (largest of 3)",
          "MiB",
          h.speakerRssIdle,
          m.speakerRssIdle,
          "",
          "3");
      row("allocator RSS, idle", "MiB", h.allocatorRssIdle, m.allocatorRssIdle, "", "1");
      row("announcing speaker's CPU, idle (20 s)", "% of a core", h.idleCpu, m.idleCpu, "", "1");
    }
    if (options.runs("services")) {
      int n = options.services();
      row(
          n + " pending Services: all addressed after the allocator starts",
          "ms",
          h.pendingMs,
          m.pendingMs,
          "≤ 0.5× MetalLB",
          "1");
      row(
          n + " Services created at once: all addressed",
          "ms",
          h.burstMs,
          m.burstMs,
          "≤ 1.2× bare client (" + String.format("%.0f ms", baselineMs) + ")",
          "1");
      row(
          n + " Services created at once: CPU used by the allocator and speakers",
          "s",
          h.burstCpuSeconds,
          m.burstCpuSeconds,
          "",
          "1");
      row(
          "speaker RSS with " + (2 * n + 1) + " addresses announced (largest of 3)",
          "MiB",
          h.announcerRssLoaded,
          m.announcerRssLoaded,
          "≤ 100 MiB, ≤ 1.5× MetalLB",
          "3");
      row(
          "allocator RSS with " + (2 * n + 1) + " Services",
          "MiB",
          h.allocatorRssLoaded,
          m.allocatorRssLoaded,
          "",
          "1");
      timeline("HeraldLB", h.burstTimeline);
      timeline("MetalLB", m.burstTimeline);
    }
  }

  private static double orNaN(int count) {
    return count < 0 ? Double.NaN : count;
  }

  static final String TIMELINE = "Services created at once, addressed over time";

  private void timeline(String who, Timeline t) {
    report.samples(TIMELINE + ": seconds", who, t.seconds());
    report.samples(TIMELINE + ": addressed", who, t.addressed());
  }

  private void row(String figure, String unit, double h, double m, String target, String n) {
    report.row(new Report.Row(figure, unit, h, m, target, n));
  }
}
