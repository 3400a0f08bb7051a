package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.heraldlb.config.IpAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Speakers on a {@link Lab}, one real JVM per node, and what tests and benchmarks ask of them:
 * start, wait until their group has converged, publish a Service address, find out who answers, and
 * the election's expected answer computed here independently of the speaker's code.
 *
 * <p>Over 300 lines on purpose: it is the one helper layer for speakers in the lab, shared by
 * {@code SpeakerIT} and the benchmark, so that both measure the same way.
 */
public final class SpeakerLab {
  public static final String NAMESPACE = "default";
  public static final int HTTP_PORT = 7473;
  public static final int SERVICE_PORT = 80;

  private final Lab lab;
  private final Map<String, LabProcess> speakers = new ConcurrentHashMap<>();
  private final Set<Long> deliberatelyStopped = ConcurrentHashMap.newKeySet();

  /**
   * Applies the pools the Service addresses below come from (a speaker announces no address outside
   * its pools): {@code .100-.249} of the LAN and {@code ::100-::2ff} of its IPv6 prefix, and {@code
   * 10.200.0.0/16} for the many-address runs.
   */
  public SpeakerLab(Lab lab) {
    this.lab = lab;
    Subnet subnet = lab.subnet();
    String pools =
        "pools {\n  lab { addresses = [\"%s-%s\", \"%s-%s\"] }\n  many { addresses = [\"10.200.0.0/16\"] }\n}\n"
            .formatted(subnet.v4(100), subnet.v4(249), subnet.v6(0x100), subnet.v6(0x2ff));
    lab.applyPools(pools);
  }

  public Lab lab() {
    return lab;
  }

  public LabClient client() {
    return lab.client();
  }

  /** Starts a speaker on every node at the same moment, as a DaemonSet roll-out does. */
  public void startAll() {
    for (LabNode node : lab.nodes()) {
      start(node);
    }
  }

  public LabProcess start(LabNode node) {
    LabProcess p = lab.startSpeaker(node);
    speakers.put(node.name(), p);
    return p;
  }

  public @Nullable LabProcess speaker(LabNode node) {
    return speakers.get(node.name());
  }

  /** Kills the node's speaker if it still runs, and starts it again. */
  public LabProcess restart(LabNode node) {
    LabProcess p = lab.restart(speaker(node));
    speakers.put(node.name(), p);
    return p;
  }

  /** The nodes whose speaker process is alive. */
  public List<LabNode> liveNodes() {
    return lab.nodes().stream()
        .filter(n -> speakers.containsKey(n.name()) && speakers.get(n.name()).isAlive())
        .toList();
  }

  /**
   * Waits until every live speaker's latest view holds exactly the live speakers; returns how long
   * that took. Fails at once if a speaker exits.
   */
  public Duration awaitConverged(Duration timeout) {
    long start = System.nanoTime();
    Await.until(
        "every speaker's group view to be " + names(liveNodes()),
        timeout,
        () -> {
          List<LabNode> live = liveNodes();
          for (LabProcess p : speakers.values()) {
            if (!p.isAlive() && !deliberatelyStopped.contains(p.pid())) {
              throw new LabException(p.name() + " exited; last lines:\n" + p.tail(20));
            }
          }
          Set<String> want = names(live);
          return live.stream()
              .allMatch(n -> SpeakerGroup.lastView(speaker(n)).equals(Optional.of(want)));
        });
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Tells {@link #awaitConverged} that this speaker was stopped on purpose. */
  public void stoppedOnPurpose(LabNode node) {
    deliberatelyStopped.add(speaker(node).pid());
  }

  /**
   * Creates a LoadBalancer Service in {@code default} selecting {@code app: NAME}, whose status
   * already holds {@code ip} (what the allocator would write); once the lab serves Services ({@link
   * Lab#serveServices()}) it has backends the client reaches.
   */
  public Service publish(String name, String ip) {
    return createService(name, Map.of("app", name), ip);
  }

  /** The Service and its status only: for many addresses where nobody sends traffic. */
  public Service createService(String name, String... ips) {
    return createService(name, Map.of(), ips);
  }

  private Service createService(String name, Map<String, String> selector, String... ips) {
    ServiceStatusBuilder status = new ServiceStatusBuilder();
    var lb = status.withNewLoadBalancer();
    for (String ip : ips) {
      lb.addNewIngress().withIp(ip).withIpMode("VIP").endIngress();
    }
    lb.endLoadBalancer();
    Service object =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withSelector(selector.isEmpty() ? null : selector)
            // Both families, so kube-proxy forwards an IPv6 EXTERNAL-IP too.
            .withIpFamilyPolicy("PreferDualStack")
            .addNewPort()
            .withPort(SERVICE_PORT)
            .withProtocol("TCP")
            .endPort()
            .endSpec()
            .build();
    var services = lab.kube().services().inNamespace(NAMESPACE);
    Service created = services.resource(object).create();
    created.setStatus(status.build());
    return services.resource(created).updateStatus();
  }

  /**
   * Waits until {@code node} alone answers for {@code ip}. After a speaker (re)joins, the node that
   * held the address meanwhile answers until it hears the newcomer's gratuitous ARP, so for a
   * moment the old holder, then both, answer.
   */
  public LabNode awaitAnnouncedBy(LabNode node, String ip, Duration timeout) {
    return Await.value(
        node.name() + " alone to answer for " + ip,
        timeout,
        () -> {
          LabNode now = awaitAnnounced(ip, timeout);
          return now.equals(node) ? Optional.of(now) : Optional.empty();
        });
  }

  /** Waits until some node answers ARP (or NDP, through curl) for {@code ip}; returns it. */
  public LabNode awaitAnnounced(String ip, Duration timeout) {
    return Await.value(
        "a node to answer for " + ip,
        timeout,
        () -> {
          List<String> macs =
              ip.contains(":")
                  ? lab.client().curl(ip, SERVICE_PORT).flatMap(b -> neighbour(ip)).stream()
                      .toList()
                  : lab.client().arpingBroadcast(ip, 1, Duration.ofSeconds(1)).distinctMacs();
          return macs.size() == 1 ? lab.nodeByMac(macs.get(0)) : Optional.empty();
        });
  }

  private Optional<String> neighbour(String ip) {
    return lab.client().neighbourMac(ip);
  }

  /**
   * Makes the client's kernel resolve {@code ip} (one curl), so it holds a neighbour entry that a
   * gratuitous ARP can update; returns the MAC it holds.
   */
  public String resolveFromClient(String ip) {
    lab.client().curl(ip, SERVICE_PORT);
    return lab.client()
        .neighbourMac(ip)
        .orElseThrow(() -> new LabException("the client could not resolve " + ip));
  }

  /**
   * Polls the client's neighbour entry for {@code ip} until it holds a MAC other than {@code
   * oldMac}; returns that MAC and the time since {@code sinceNanos} ({@link System#nanoTime()}).
   */
  public Moved awaitNeighbourMove(String ip, String oldMac, long sinceNanos, Duration timeout) {
    String mac =
        Await.value(
            "the client's neighbour entry for " + ip + " to leave " + oldMac,
            timeout,
            () -> lab.client().neighbourMac(ip).filter(m -> !m.equals(oldMac)));
    return new Moved(mac, Duration.ofNanos(System.nanoTime() - sinceNanos));
  }

  /** Where a neighbour entry moved to, and after how long. */
  public record Moved(String mac, Duration after) {}

  /** What a SIGTERM hand-over looked like from the client. */
  public record HandOver(
      int requests,
      int unanswered,
      double slowestMillis,
      long exitMillis,
      List<String> claimants) {}

  /**
   * Probes {@code ip} with broadcast ARP every 10 ms from the client for ~4 s, sends SIGTERM to
   * {@code node}'s speaker after 1 s, and counts the requests no node answered.
   */
  public HandOver handOver(LabNode node, String ip, String name) {
    LabClient client = client();
    LabClient.Capture capture = client.capture(name, "arp");
    LabProcess probe = startProbe(ip, 400, Duration.ofMillis(10));
    Await.pause(Duration.ofSeconds(1));
    LabProcess victim = speaker(node);
    stoppedOnPurpose(node);
    long start = System.nanoTime();
    victim.terminate();
    victim.awaitExit(Duration.ofSeconds(15));
    long exitMillis = (System.nanoTime() - start) / 1_000_000;
    probe.awaitExit(Duration.ofSeconds(30));
    stopCapture(capture);
    ArpWire wire = ArpWire.parse(capture.read("arp"));
    List<ArpWire.Exchange> ex = wire.exchanges(ip, client.ip(), client.mac(), 200_000_000L);
    int unanswered = (int) ex.stream().filter(e -> e.reply().isEmpty()).count();
    double slowest =
        ex.stream()
            .flatMap(e -> e.latencyNanos().stream())
            .mapToDouble(n -> n / 1e6)
            .max()
            .orElse(Double.NaN);
    return new HandOver(ex.size(), unanswered, slowest, exitMillis, wire.claimants(ip));
  }

  /** Lets tcpdump write what it has queued, then stops it. */
  public static void stopCapture(LabClient.Capture capture) {
    Await.pause(Duration.ofMillis(500));
    capture.stop();
  }

  /** As {@link LabClient#startProbe}. */
  public LabProcess startProbe(String target, int count, Duration interval) {
    return client().startProbe(target, count, interval);
  }

  /** As {@link LabClient#probe}. */
  public void probe(String target, int count, Duration interval) {
    client().probe(target, count, interval);
  }

  /** Who the election must pick among {@code nodes}: the smallest sha256(node#ip), unsigned. */
  public static LabNode expectedWinner(String ip, Collection<LabNode> nodes) {
    String canonical = IpAddress.parse(ip).toString();
    LabNode best = null;
    byte[] bestHash = null;
    for (LabNode n : nodes) {
      byte[] h = sha256(n.name() + "#" + canonical);
      if (best == null || Arrays.compareUnsigned(h, bestHash) < 0) {
        best = n;
        bestHash = h;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no candidate nodes");
    }
    return best;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An address of the lab's LAN for which {@code winner} is the elected node among all nodes. */
  public String addressWonBy(LabNode winner, int firstHost) {
    for (int host = firstHost; host < 250; host++) {
      String ip = lab.subnet().v4(host);
      if (expectedWinner(ip, lab.nodes()).equals(winner)) {
        return ip;
      }
    }
    throw new LabException("no address from ." + firstHost + " is won by " + winner.name());
  }

  /** One scrape of the speaker's metrics, inside its node's namespace. */
  public Metrics metrics(LabNode node) {
    return Metrics.scrape(node, HTTP_PORT);
  }

  public static Set<String> names(Collection<LabNode> nodes) {
    Set<String> out = new TreeSet<>();
    nodes.forEach(n -> out.add(n.name()));
    return out;
  }

  /** Node names of the lab other than {@code except}. */
  public List<LabNode> others(LabNode except) {
    List<LabNode> out = new ArrayList<>(lab.nodes());
    out.remove(except);
    return out;
  }
}
