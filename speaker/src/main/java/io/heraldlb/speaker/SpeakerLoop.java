package io.heraldlb.speaker;

import io.heraldlb.config.IpAddress;
import io.heraldlb.config.Pool;
import io.heraldlb.config.PoolConfig;
import io.heraldlb.speaker.announce.Announcer;
import io.heraldlb.speaker.announce.Assignment;
import io.heraldlb.speaker.announce.Change;
import io.heraldlb.speaker.election.ElectionMemo;
import io.heraldlb.speaker.election.Quorum;
import io.heraldlb.speaker.kube.ClusterSource;
import io.heraldlb.speaker.kube.ConfigTracker;
import io.heraldlb.speaker.metrics.SpeakerMetrics;
import io.heraldlb.speaker.plan.ClusterSnapshot;
import io.heraldlb.speaker.plan.IpPlan;
import io.heraldlb.speaker.plan.Planner;
import io.heraldlb.speaker.responder.Conflict;
import io.heraldlb.speaker.transport.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker's single decision thread. Every signal (informer event, view change, interface
 * change) coalesces into one recompute: snapshot, elect, diff, announce. Gratuitous frames and
 * conflict confirmations run on the same thread, so the announcement state has one owner.
 */
final class SpeakerLoop {
  private static final Logger log = LoggerFactory.getLogger(SpeakerLoop.class);

  /** A claim from another MAC counts as a conflict only if we still announce the address then. */
  static final Duration CONFLICT_CONFIRMATION = Duration.ofSeconds(1);

  /**
   * How long an address lost to a live peer is still answered when the peer's gratuitous frame is
   * not heard (on another interface, or lost): a new announcer sends it within milliseconds.
   */
  static final Duration HANDOVER_GRACE = Duration.ofSeconds(2);

  /** Random source MACs must not grow memory without bound. */
  static final int MAX_PENDING_CONFLICTS = 1000;

  private final String node;
  private final ClusterSource source;
  private final Supplier<Group> group;
  private final Transport transport;
  private final Consumer<Set<String>> wantPoolInterfaces;
  private final Announcer announcer;
  private final ChangeReporter reporter;
  private final SpeakerMetrics metrics;
  private final Clock clock;
  private final ConfigTracker config;
  private final Map<String, Conflict> pendingConflicts = new ConcurrentHashMap<>();
  private final Map<String, Instant> conflictDue = new HashMap<>();
  private Map<IpAddress, IpPlan> plans = Map.of();
  private final ElectionMemo memo = new ElectionMemo();
  private boolean planned;
  private volatile Group lastGroup = Group.NOT_JOINED;
  private volatile boolean stopping;

  SpeakerLoop(
      String node,
      ClusterSource source,
      Supplier<Group> group,
      Transport transport,
      Consumer<Set<String>> wantPoolInterfaces,
      Announcer announcer,
      ChangeReporter reporter,
      SpeakerMetrics metrics,
      Clock clock) {
    this.node = node;
    this.source = source;
    this.config = new ConfigTracker(source.configMapName(), source.metalLbNamespace());
    this.group = group;
    this.transport = transport;
    this.wantPoolInterfaces = wantPoolInterfaces;
    this.announcer = announcer;
    this.reporter = reporter;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Recomputes the plan and applies it. Never throws. */
  void recompute() {
    if (stopping) {
      return;
    }
    try {
      // The configuration first, even before joining: it names the interfaces to open.
      PoolConfig pools = config.update(source.poolInputs());
      metrics.configStale(config.stale());
      wantPoolInterfaces.accept(poolInterfaces(pools, source.nodeLabels(node)));
      Group now = group.get();
      Set<String> live = now.members();
      metrics.members(live.size());
      if (live.isEmpty()) {
        return; // not joined yet: an empty group would make us drop everything we announce
      }
      standing(now);
      ClusterSnapshot snapshot = source.snapshot(live, pools);
      Map<IpAddress, IpPlan> before = planned ? plans : Map.of();
      plans = Planner.plan(snapshot, memo);
      if (now.quorum().mayAnnounce()) {
        apply(live, before);
      } else {
        // The majority elects over its own view and has taken these addresses: answer each until
        // its new announcer is heard (or the grace passes), and win none.
        List<Change> changes =
            announcer.apply(Map.of(), announcer.current().keySet(), HANDOVER_GRACE);
        reporter.changes(changes, plans, before, live);
      }
    } catch (RuntimeException e) {
      log.error("recompute failed; the previous announcements stay", e);
    }
  }

  /** Logs (once per change) where this speaker's view stands against the listed speakers. */
  private void standing(Group now) {
    Quorum q = now.quorum();
    metrics.quorum(q.mayAnnounce());
    Group before = lastGroup;
    lastGroup = now;
    if (q == before.quorum()) {
      return;
    }
    if (q == Quorum.MINORITY) {
      log.warn(
          "the speaker group {} holds fewer than half of the speakers Kubernetes lists {}: handing"
              + " over every address and winning none until the group heals",
          new TreeSet<>(now.members()),
          new TreeSet<>(now.listed()));
    } else {
      log.info(
          "the speaker group {} holds {} of the listed speakers {}: announcing",
          new TreeSet<>(now.members()),
          q == Quorum.HALF ? "half" : "a majority",
          new TreeSet<>(now.listed()));
    }
  }

  /** {@code null}, or why this speaker answers for nothing: its group is a minority. */
  @Nullable String minorityProblem() {
    Group g = lastGroup;
    return g.quorum().mayAnnounce()
        ? null
        : "the speaker group "
            + new TreeSet<>(g.members())
            + " holds fewer than half of the listed speakers "
            + new TreeSet<>(g.listed());
  }

  private void apply(Set<String> live, Map<IpAddress, IpPlan> before) {
    Set<String> defaults = transport.defaultInterfaces();
    Set<String> open = transport.links().keySet();
    Map<IpAddress, Assignment> wanted = new HashMap<>();
    Map<IpAddress, String> noInterface = new HashMap<>();
    for (IpPlan plan : plans.values()) {
      if (!plan.wonBy(node)) {
        continue;
      }
      List<String> interfaces = Planner.interfaces(plan, defaults, open);
      if (interfaces.isEmpty()) {
        noInterface.put(plan.ip(), reporter.noInterface(plan, defaults, open));
      } else {
        wanted.put(plan.ip(), new Assignment(plan.ip(), plan.serviceNames(), interfaces));
      }
    }
    List<Change> changes = announcer.apply(wanted, wonByAPeer(), HANDOVER_GRACE);
    announcer.tick();
    reporter.changes(changes, plans, before, live);
    reporter.problems(plans, noInterface, node.equals(new TreeSet<>(live).first()));
    planned = true;
  }

  /**
   * Addresses this node announces that another live speaker has just won (it joined, or came back):
   * answered on until the winner's gratuitous frame is heard, so a roll-out leaves no gap.
   */
  private Set<IpAddress> wonByAPeer() {
    Set<IpAddress> out = new HashSet<>();
    for (IpAddress ip : announcer.current().keySet()) {
      IpPlan plan = plans.get(ip);
      if (plan != null && plan.result().winner().filter(w -> !w.equals(node)).isPresent()) {
        out.add(ip);
      }
    }
    return out;
  }

  /**
   * The interfaces the advertisements covering this node name (all that any names while its Node is
   * not known yet): opened before they are needed.
   */
  static Set<String> poolInterfaces(PoolConfig pools, Optional<Map<String, String>> nodeLabels) {
    Set<String> out = new TreeSet<>();
    for (Pool p : pools.pools()) {
      if (nodeLabels.isEmpty()) {
        out.addAll(p.namedInterfaces());
      } else if (p.announcedFrom(nodeLabels.get())) {
        out.addAll(p.interfacesOn(nodeLabels.get()));
      }
    }
    return out;
  }

  /** Sends due gratuitous frames and settles conflicts; runs every few tens of milliseconds. */
  void tick() {
    try {
      if (!stopping) {
        announcer.tick();
        for (IpAddress ip : announcer.expireHandovers()) {
          log.info(
              "stopped answering for {}: its new announcer was not heard within {}",
              ip,
              HANDOVER_GRACE);
        }
      }
      settleConflicts();
    } catch (RuntimeException e) {
      log.error("announce tick failed", e);
    }
  }

  /**
   * From a capture thread: another MAC claims one of our addresses. Only queued here; at most one
   * pending claim per address and MAC, so a flood of them costs nothing.
   */
  void claimSeen(Conflict c) {
    if (pendingConflicts.size() < MAX_PENDING_CONFLICTS) {
      pendingConflicts.putIfAbsent(c.ip() + "/" + c.mac(), c);
    }
  }

  private void settleConflicts() {
    Instant now = clock.instant();
    for (Map.Entry<String, Conflict> e : pendingConflicts.entrySet()) {
      Conflict c = e.getValue();
      if (stopping || announcer.handingOver(c.ip())) {
        // Leaving, or lost to a peer: the claim is the successor's gratuitous frame, so the
        // address is handed over.
        announcer.release(c.ip()).ifPresent(a -> log.info("handed {} over to {}", c.ip(), c.mac()));
        pendingConflicts.remove(e.getKey());
        continue;
      }
      Instant due = conflictDue.computeIfAbsent(e.getKey(), k -> now.plus(CONFLICT_CONFIRMATION));
      if (now.isBefore(due)) {
        continue;
      }
      pendingConflicts.remove(e.getKey());
      conflictDue.remove(e.getKey());
      if (announcer.current().containsKey(c.ip())) {
        IpPlan plan = plans.get(c.ip());
        reporter.conflict(
            c.ip(),
            c.mac().toString(),
            c.interfaceName(),
            plan == null ? List.of() : plan.services());
      }
    }
  }

  /**
   * The live speakers the election may use (empty: not joined yet, announce nothing and drop
   * nothing), the speakers Kubernetes lists, and where the first stands against the second.
   */
  record Group(Set<String> members, Set<String> listed, Quorum quorum) {
    static final Group NOT_JOINED = new Group(Set.of(), Set.of(), Quorum.MAJORITY);

    /** A view with no listing to judge it by: it counts as it is. */
    static Group unjudged(Set<String> members) {
      return new Group(members, members, Quorum.MAJORITY);
    }
  }

  /** From now on: no recompute, no gratuitous frames; answer requests until handed over. */
  void stop() {
    stopping = true;
  }

  /** Whether every address has been handed over (or there was none). */
  boolean handedOver() {
    return announcer.table().all().isEmpty();
  }
}
