package io.heraldlb.speaker;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.heraldlb.config.IpAddress;
import io.heraldlb.runtime.OpsServer;
import io.heraldlb.speaker.announce.Announcer;
import io.heraldlb.speaker.election.Quorum;
import io.heraldlb.speaker.kube.KubeAnnouncements;
import io.heraldlb.speaker.kube.KubeEvents;
import io.heraldlb.speaker.kube.KubeFacts;
import io.heraldlb.speaker.kube.KubeInformers;
import io.heraldlb.speaker.membership.Membership;
import io.heraldlb.speaker.membership.MembershipKeys;
import io.heraldlb.speaker.membership.MembershipSettings;
import io.heraldlb.speaker.membership.NodeToken;
import io.heraldlb.speaker.membership.StartupGate;
import io.heraldlb.speaker.metrics.SpeakerMetrics;
import io.heraldlb.speaker.transport.InterfaceManager;
import io.heraldlb.speaker.transport.PacketSocketPort;
import io.heraldlb.speaker.transport.PcapPort;
import io.heraldlb.speaker.transport.Responder;
import io.heraldlb.speaker.transport.SolicitedNodeGroups;
import io.heraldlb.speaker.transport.SysfsInterfaces;
import io.heraldlb.speaker.transport.Warmup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the speaker together, runs it, and takes it down on SIGTERM without dropping an address.
 *
 * <p>Over 300 lines on purpose: every part is built, started and stopped here, so the order of
 * shutdown can be checked against the order of start in one file.
 */
final class Speaker {
  private static final Logger log = LoggerFactory.getLogger(Speaker.class);
  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);

  private final SpeakerSettings settings;
  private final KubernetesClient client;
  private final Clock clock = Clock.systemUTC();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final SpeakerMetrics metrics = new SpeakerMetrics(registry);
  private final ScheduledExecutorService loopThread =
      Executors.newSingleThreadScheduledExecutor(r -> named(r, "speaker-loop"));
  private final ScheduledExecutorService scanThread =
      Executors.newSingleThreadScheduledExecutor(r -> named(r, "interface-scan"));

  /** Reviews of scrape tokens (HERALDLB_HTTP_AUTHORIZATION=kubernetes): they block on the API. */
  private final java.util.concurrent.ExecutorService reviewThread =
      Executors.newSingleThreadExecutor(r -> named(r, "scrape-authorization"));

  private final AtomicBoolean recomputePending = new AtomicBoolean();
  private final AtomicBoolean changePending = new AtomicBoolean();

  /** When a recompute for an API change may start next; only the loop thread uses it. */
  private long notBeforeNanos = System.nanoTime();

  private static final int PACE_FACTOR = 4;

  /** The longest a change waits behind the previous recompute. */
  static final Duration MAX_PACE = Duration.ofMillis(250);

  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Instant lastTick = Instant.now();
  private InterfaceManager interfaces;
  private Announcer announcer;
  private SpeakerLoop loop;
  private KubeInformers informers;
  private KubeEvents events;
  private KubeAnnouncements announcements;
  private Membership membership;
  private volatile StartupGate gate;
  private OpsServer ops;
  private IpAddress podIp;

  Speaker(SpeakerSettings settings, KubernetesClient client) {
    this.settings = settings;
    this.client = client;
  }

  /**
   * One full collection before the speaker can be elected. Start-up (warm-up, informer sync) leaves
   * the young generation full of objects that are still alive; the young collection that copies
   * them took 11 to 18 ms in the lab, and it came due right after the first announcement, in the
   * middle of the first replies (target: 10 ms). After this, the next young collections have little
   * to copy.
   */
  private static void collectStartupGarbage() {
    long t0 = System.nanoTime();
    System.gc();
    log.info("start-up garbage collected in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  private static Thread named(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts everything; returns once the speaker has joined its group. */
  void start() throws Exception {
    MembershipKeys keys = loadKeys();
    long t0 = System.nanoTime();
    Warmup.run(20_000);
    log.info("answer path warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
    podIp = settings.podIp().orElseGet(this::nodeInternalIp);
    io.heraldlb.runtime.ProcessMetrics.register(registry, "heraldlb-speaker");
    ops =
        OpsServer.start(
            new InetSocketAddress(
                settings.httpAddress().orElse(podIp).toInetAddress(), settings.httpPort()),
            registry,
            this::healthProblem,
            this::readinessProblem,
            opsTls(),
            settings.httpAuthorization()
                ? new io.heraldlb.kube.TokenReviewAuthorizer(client, reviewThread, System::nanoTime)
                : null);
    log.info(
        "serving /metrics, /healthz, /readyz on {}:{}",
        settings.httpAddress().orElse(podIp),
        ops.port());

    events = new KubeEvents(client, settings.nodeName(), clock);
    announcements =
        new KubeAnnouncements(
            client,
            settings.namespace(),
            settings.nodeName(),
            () -> membership == null ? Set.of() : membership.members(),
            clock);
    interfaces =
        new InterfaceManager(
            new SysfsInterfaces(SysfsInterfaces.DEFAULT_ROOT),
            settings.interfaces(),
            portFactory(),
            link ->
                new Responder(
                    link,
                    () -> announcer.table(),
                    c -> loop.claimSeen(c),
                    metrics.forInterface(link.name())),
            this::signal,
            clock,
            new SolicitedNodeGroups());
    metrics.captureOverflows(interfaces::kernelDrops);
    metrics.interfaceOpenFailures(interfaces::openFailures);
    announcer =
        new Announcer(interfaces, clock, settings.gratuitousRefresh(), metrics::gratuitousSent);
    informers =
        new KubeInformers(
            client,
            settings.namespace(),
            settings.configMap(),
            settings.metalLbNamespace(),
            settings.loadBalancerClass(),
            settings.ignoreExcludeLabel(),
            this::changed);
    membership =
        new Membership(
            membershipSettings(keys),
            List.of(),
            view -> signal(),
            this::checkJoin,
            this::refusedJoin);
    loop =
        new SpeakerLoop(
            settings.nodeName(),
            informers,
            this::group,
            interfaces,
            this::wantPoolInterfaces,
            announcer,
            new ChangeReporter(settings.nodeName(), metrics, events, announcements),
            metrics,
            clock);

    interfaces.rescan();
    scanThread.scheduleWithFixedDelay(
        interfaces::rescan,
        settings.interfaceRescan().toMillis(),
        settings.interfaceRescan().toMillis(),
        TimeUnit.MILLISECONDS);
    informers.start();
    if (!informers.awaitSynced(SYNC_TIMEOUT)) {
      log.warn("informers not synced after {}; going on, /readyz waits", SYNC_TIMEOUT);
    }
    // Join only when ready to answer: peers hand a new member what it wins at once. So first the
    // pool configuration (which names the pools' interfaces) and a scan that opens them.
    loopThread.submit(loop::recompute).get();
    scanThread.submit(interfaces::rescan).get();
    collectStartupGarbage();
    membership.updatePeers(peers());
    gate = new StartupGate(clock, settings.startupSettle());
    joinGroup();
    loopThread.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    signal();
  }

  /**
   * The live speakers the election may use (none, so announce nothing and drop nothing, while the
   * start-up gate is closed), judged against the speakers Kubernetes lists.
   */
  private SpeakerLoop.Group group() {
    Set<String> members = membership.members();
    StartupGate g = gate;
    if (g == null) {
      return SpeakerLoop.Group.NOT_JOINED;
    }
    Set<String> listed = informers.synced() ? informers.speakerNodes() : null;
    if (!g.open(members, listed)) {
      return SpeakerLoop.Group.NOT_JOINED;
    }
    if (listed == null) {
      return SpeakerLoop.Group.unjudged(members); // the gate opened on a view of several
    }
    return new SpeakerLoop.Group(members, listed, Quorum.of(members, listed, settings.nodeName()));
  }

  private MembershipSettings membershipSettings(MembershipKeys keys) {
    return new MembershipSettings(
        settings.nodeName(),
        podIp.toInetAddress(),
        settings.membershipPort(),
        settings.heartbeatInterval(),
        settings.heartbeatTimeout(),
        settings.suspectTimeout(),
        keys);
  }

  /** Packet sockets, or libpcap where they cannot be used or the settings ask for it. */
  private io.heraldlb.speaker.transport.PortFactory portFactory() {
    String arch = System.getProperty("os.arch");
    String transport;
    try {
      transport = PcapPort.resolve(settings.transport(), arch);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage());
    }
    log.info("answering ARP/NDP through {} ({}, {})", transport, settings.transport(), arch);
    return transport.equals("pcap")
        ? PcapPort.factory(settings.promiscuous())
        : PacketSocketPort.factory(settings.promiscuous(), settings.captureThreads());
  }

  private io.netty.handler.ssl.@Nullable SslContext opsTls() {
    if (settings.httpTlsDir().isEmpty()) {
      return null;
    }
    try {
      return OpsServer.tls(settings.httpTlsDir().get());
    } catch (java.io.IOException e) {
      throw new StartupException("HERALDLB_HTTP_TLS_DIR: " + e.getMessage());
    }
  }

  /** The speaker group's key; without one the speaker does not start, and says how to make it. */
  private MembershipKeys loadKeys() {
    try {
      MembershipKeys keys =
          MembershipKeys.load(
              settings.membershipKeyDir(), this::refusedPeer, warning -> log.warn("{}", warning));
      log.info(
          "speaker group key: certificate {}, trusting {}",
          keys.fingerprints().get(0),
          keys.fingerprints().subList(1, keys.fingerprints().size()));
      return keys;
    } catch (MembershipKeys.KeyException e) {
      throw new StartupException(e.getMessage());
    }
  }

  /**
   * Joins the group. A refused join is retried for a while: the coordinator may not have seen this
   * speaker's pod yet (a new node), and restarting the process would only add a back-off.
   */
  private void joinGroup() throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        membership.join();
        return;
      } catch (Exception e) {
        if (!refusal(e)) {
          throw e;
        }
        if (attempt >= JOIN_ATTEMPTS) {
          throw new StartupException(
              "the speaker group refused this speaker "
                  + attempt
                  + " times ("
                  + e.getMessage()
                  + "): its pod must run on node "
                  + settings.nodeName()
                  + " at "
                  + podIp
                  + ", and it must hold the cluster's key");
        }
        log.warn(
            "the speaker group refused this speaker ({}); trying again ({} of {})",
            e.getMessage(),
            attempt,
            JOIN_ATTEMPTS);
        membership.updatePeers(peers());
        Thread.sleep(JOIN_RETRY.toMillis());
      }
    }
  }

  /** JGroups rejects a join that AUTH refused with a SecurityException, sometimes wrapped. */
  private static boolean refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SecurityException) {
        return true;
      }
    }
    return false;
  }

  private static final int JOIN_ATTEMPTS = 20;
  private static final Duration JOIN_RETRY = Duration.ofSeconds(1);

  /**
   * A joiner must be the speaker pod of the node it names, at the address it connects from. While
   * the API has listed no speaker pod yet there is nothing to check against, and it is let in.
   */
  private NodeToken.@Nullable Refusal checkJoin(String node, java.net.@Nullable InetAddress from) {
    Map<String, Set<IpAddress>> pods = informers.speakerPodsByNode();
    if (pods.isEmpty()) {
      return null;
    }
    Set<IpAddress> at = pods.get(node);
    IpAddress claimed = from == null ? null : IpAddress.ofBytes(from.getAddress());
    if (at == null) {
      return new NodeToken.Refusal(
          NodeToken.JoinCheck.NOT_A_SPEAKER_POD,
          "a peer at " + claimed + " claims node " + node + ", which runs no speaker pod");
    }
    if (claimed == null || !at.contains(claimed)) {
      return new NodeToken.Refusal(
          NodeToken.JoinCheck.NOT_A_SPEAKER_POD,
          "a peer at " + claimed + " claims node " + node + ", whose speaker pod is at " + at);
    }
    return null;
  }

  private void refusedJoin(String node, NodeToken.Refusal why) {
    refusedPeer(why.reason(), why.detail());
    events.emitOnNode(node, "MembershipRefused", "Refused a speaker group join: " + why.detail());
  }

  private final Map<String, Long> lastRefusalLogged = new ConcurrentHashMap<>();

  /** Counts every refused peer; logs the first of each kind, then at most once a minute. */
  private void refusedPeer(String reason, String detail) {
    metrics.membershipRefused(reason);
    long now = System.nanoTime();
    Long last = lastRefusalLogged.get(reason);
    if (last == null || now - last > REFUSAL_LOG_INTERVAL.toNanos()) {
      lastRefusalLogged.put(reason, now);
      log.warn("refused a peer of the speaker group ({}): {}", reason, detail);
    }
  }

  private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);

  private IpAddress nodeInternalIp() {
    Node node = client.nodes().withName(settings.nodeName()).get();
    if (node == null) {
      throw new StartupException(
          "node "
              + settings.nodeName()
              + " (HERALDLB_NODE_NAME) does not exist in the API; set HERALDLB_POD_IP or fix the name");
    }
    return KubeFacts.internalIp(node)
        .orElseThrow(
            () ->
                new StartupException(
                    "node " + settings.nodeName() + " has no InternalIP; set HERALDLB_POD_IP"));
  }

  private Set<InetSocketAddress> peers() {
    Set<InetSocketAddress> out = new java.util.HashSet<>();
    for (IpAddress ip : informers.speakerPodIps()) {
      out.add(new InetSocketAddress(ip.toInetAddress(), settings.membershipPort()));
    }
    out.add(new InetSocketAddress(podIp.toInetAddress(), settings.membershipPort()));
    return out;
  }

  /** Pools name new interfaces: open them now, not at the next periodic scan. */
  private void wantPoolInterfaces(java.util.Set<String> names) {
    if (interfaces.wantPoolInterfaces(names)) {
      scanThread.execute(interfaces::rescan);
    }
  }

  /**
   * Asks for a recompute at once (a view or an interface changed: a failover waits for nothing);
   * many signals before it runs make one recompute.
   */
  private void signal() {
    if (recomputePending.compareAndSet(false, true)) {
      loopThread.execute(
          () -> {
            recomputePending.set(false);
            recomputeNow();
          });
    }
  }

  /**
   * Asks for a recompute after an API object changed. It runs at once unless the last recompute
   * ended less than four times its own duration ago: then it waits that long, and every change
   * meanwhile joins it. So a burst of thousands of Services costs at most a fifth of a core, and a
   * single change in a small cluster is planned within milliseconds.
   */
  private void changed() {
    if (changePending.compareAndSet(false, true)) {
      loopThread.execute(this::pacedRecompute);
    }
  }

  private void pacedRecompute() {
    long wait = notBeforeNanos - System.nanoTime();
    if (wait > 0) {
      loopThread.schedule(this::pacedRecompute, wait, TimeUnit.NANOSECONDS);
      return;
    }
    changePending.set(false);
    recomputeNow();
  }

  /** On the loop thread. */
  private void recomputeNow() {
    long start = System.nanoTime();
    try {
      membership.updatePeers(peers());
    } catch (RuntimeException e) {
      log.warn("updating speaker peers failed", e);
    }
    loop.recompute();
    long end = System.nanoTime();
    notBeforeNanos = end + Math.min(PACE_FACTOR * (end - start), MAX_PACE.toNanos());
  }

  private void tick() {
    lastTick = clock.instant();
    StartupGate g = gate;
    if (g != null && g.due()) {
      signal();
    }
    loop.tick();
  }

  private @Nullable String healthProblem() {
    String scan = interfaces == null ? null : interfaces.scanProblem(settings.interfaceRescan());
    if (scan != null) {
      return scan;
    }
    if (informers != null && informers.problem() != null) {
      return informers.problem();
    }
    if (loop != null
        && Duration.between(lastTick, clock.instant()).compareTo(Duration.ofSeconds(5)) > 0) {
      return "the speaker loop has not run since " + lastTick;
    }
    return null;
  }

  private String readinessProblem() {
    if (informers == null || !informers.synced()) {
      return "informers not synced";
    }
    if (membership == null || !membership.joined()) {
      return "not in the speaker group yet";
    }
    if (gate == null || !gate.isOpen()) {
      return "waiting for the speaker group to hold every speaker";
    }
    String minority = loop.minorityProblem();
    if (minority != null) {
      return minority;
    }
    String capture = interfaces.readinessProblem();
    return capture != null ? capture : healthProblem();
  }

  /** SIGTERM: leave the group, answer until successors announce or the grace passes, then stop. */
  void shutdown() {
    log.info("stopping: leaving the speaker group first");
    try {
      loopThread.submit(loop::stop).get(2, TimeUnit.SECONDS);
      membership.leave();
      long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
      while (!loop.handedOver() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      Set<String> left = new TreeSet<>();
      announcer.table().all().forEach(ip -> left.add(ip.toString()));
      log.info(
          left.isEmpty()
              ? "every address handed over"
              : "grace over; still announced here: " + left);
    } catch (Exception e) {
      log.warn("clean hand-over failed: {}", e.toString());
    } finally {
      close();
      log.info("stopped");
      stopped.countDown();
    }
  }

  /**
   * Releases what the kernel or the peers would notice: capture handles, the group, the port. The
   * informers and the API client are left to the exiting JVM: closing their watches takes seconds
   * and only produces warnings.
   */
  private void close() {
    loopThread.shutdownNow();
    scanThread.shutdownNow();
    reviewThread.shutdownNow();
    if (announcements != null) {
      announcements.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {interfaces, membership, events, ops}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        log.debug("closing {}", c, e);
      }
    }
  }

  void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /** A start-up problem the operator must fix: one line, no stack trace. */
  static final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
      super(message);
    }
  }
}
