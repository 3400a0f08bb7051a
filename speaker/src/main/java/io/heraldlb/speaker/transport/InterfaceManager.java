package io.heraldlb.speaker.transport;

import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.responder.AnnouncedTable;
import io.heraldlb.speaker.responder.Link;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@link Port} open per selected interface: each {@link #rescan} opens the new ones,
 * closes those gone, down or changed, and reopens broken ones. Sending goes through the same map,
 * so the announcer never holds a closed handle for long.
 */
public final class InterfaceManager implements Transport, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InterfaceManager.class);

  private final Supplier<List<NetInterface>> source;
  private final List<String> override;
  private final PortFactory factory;
  private final Function<Link, FrameHandler> handlers;
  private final Runnable onChange;
  private final Clock clock;
  private volatile Instant lastScan;
  private final Map<String, Port> ports = new ConcurrentHashMap<>();
  private final Map<String, String> openFailures = new ConcurrentHashMap<>();
  private volatile Set<String> poolInterfaces = Set.of();
  private volatile Set<String> defaults = Set.of();
  private volatile Set<String> missing = Set.of();
  private volatile AnnouncedTable captured = AnnouncedTable.EMPTY;
  private final AtomicLong closedPortDrops = new AtomicLong();
  private final GroupMembership groups;

  /**
   * @param override interfaces named by the operator; empty: automatic selection
   * @param handlers a new frame handler for one capture thread of an interface
   * @param onChange told (on the rescanning thread) whenever the open set changed
   * @param clock when scans run, for {@link #scanProblem}
   * @param groups the multicast memberships the announced addresses need
   */
  public InterfaceManager(
      Supplier<List<NetInterface>> source,
      List<String> override,
      PortFactory factory,
      Function<Link, FrameHandler> handlers,
      Runnable onChange,
      Clock clock,
      GroupMembership groups) {
    this.source = source;
    this.override = List.copyOf(override);
    this.factory = factory;
    this.handlers = handlers;
    this.onChange = onChange;
    this.clock = clock;
    this.lastScan = clock.instant();
    this.groups = groups;
  }

  /** Interfaces named by pools, opened on the next rescan; returns whether they changed. */
  public boolean wantPoolInterfaces(Set<String> names) {
    Set<String> next = Set.copyOf(names);
    boolean changed = !next.equals(poolInterfaces);
    poolInterfaces = next;
    return changed;
  }

  /**
   * Brings the open handles in line with the interfaces present now. Never throws, not even an
   * {@link Error}: a scheduled task that throws is never run again, silently.
   */
  public synchronized void rescan() {
    lastScan = clock.instant();
    try {
      InterfaceSelector.Selection sel =
          InterfaceSelector.select(source.get(), override, poolInterfaces);
      boolean changed = closeStale(sel.open());
      // An interface that failed to open and is no longer wanted (it vanished between the scan
      // and the open, or is no longer selected) is not a problem any more.
      openFailures.keySet().retainAll(sel.open().keySet());
      changed |= openMissing(sel.open());
      if (!sel.missing().equals(missing)) {
        if (!sel.missing().isEmpty()) {
          log.warn("interfaces asked for by name are absent or unusable: {}", sel.missing());
        }
        missing = sel.missing();
      }
      if (!sel.defaults().equals(defaults)) {
        defaults = sel.defaults();
        changed = true;
      }
      if (changed) {
        log.info(
            "answering ARP/NDP on {} (default for pools without interfaces: {})",
            new TreeMap<>(links()).keySet(),
            defaults);
        onChange.run();
      }
    } catch (RuntimeException | Error e) {
      log.error("interface scan failed", e);
    }
  }

  private boolean closeStale(Map<String, NetInterface> wanted) {
    boolean changed = false;
    for (Map.Entry<String, Port> e : Map.copyOf(ports).entrySet()) {
      NetInterface now = wanted.get(e.getKey());
      Port port = e.getValue();
      String why =
          now == null
              ? "no longer selected or gone"
              : !now.mac().equals(port.link().mac()) ? "its MAC changed" : port.problem();
      if (why != null) {
        log.info("closing capture on {}: {}", e.getKey(), why);
        ports.remove(e.getKey());
        groups.forget(e.getKey());
        port.close();
        closedPortDrops.addAndGet(port.kernelDrops());
        changed = true;
      }
    }
    return changed;
  }

  private boolean openMissing(Map<String, NetInterface> wanted) {
    boolean changed = false;
    for (NetInterface nif : wanted.values()) {
      if (ports.containsKey(nif.name())) {
        continue;
      }
      try {
        Link link = new Link(nif.name(), nif.mac());
        Port port = factory.open(nif, () -> handlers.apply(link));
        ports.put(nif.name(), port);
        // After registering: a table published from now on is applied by captureFor too. The
        // one read here may be older than one applied meanwhile, so apply again until the table
        // applied last here is still the newest.
        AnnouncedTable applied;
        do {
          applied = captured;
          port.captureFor(applied.on(nif.name()));
        } while (applied != captured);
        groups.follow(nif.name(), captured.on(nif.name()));
        openFailures.remove(nif.name());
        log.info("capturing ARP/NDP on {} ({})", nif.name(), nif.mac());
        changed = true;
      } catch (IOException | RuntimeException e) {
        if (openFailures.put(nif.name(), String.valueOf(e.getMessage())) == null) {
          log.error("cannot capture on {}: {}", nif.name(), e.getMessage());
        }
      }
    }
    return changed;
  }

  @Override
  public Map<String, MacAddress> links() {
    Map<String, MacAddress> out = new TreeMap<>();
    ports.forEach((name, port) -> out.put(name, port.link().mac()));
    return out;
  }

  @Override
  public Set<String> defaultInterfaces() {
    return defaults;
  }

  /** Not under the rescan's lock: closing a port may take a while, the announcer must not wait. */
  @Override
  public void captureFor(AnnouncedTable table) {
    captured = table;
    ports.forEach(
        (name, port) -> {
          port.captureFor(table.on(name));
          groups.follow(name, table.on(name));
        });
  }

  @Override
  public boolean send(String interfaceName, byte[] frame, int length) {
    Port port = ports.get(interfaceName);
    return port != null && port.send(frame, length);
  }

  /** Frames the kernel dropped unread on every port this manager has had, for /metrics. */
  public long kernelDrops() {
    long drops = closedPortDrops.get();
    for (Port port : ports.values()) {
      drops += port.kernelDrops();
    }
    return drops;
  }

  /**
   * Null when every selected interface captures; otherwise what is wrong, for /readyz. Not for
   * /healthz: the next scan reopens a broken capture, and a restart would not open an interface the
   * kernel refuses either, only move this node's addresses away and back.
   */
  public @Nullable String readinessProblem() {
    for (Port port : ports.values()) {
      String p = port.problem();
      if (p != null) {
        return p;
      }
    }
    if (!openFailures.isEmpty()) {
      return "cannot capture on " + new TreeMap<>(openFailures);
    }
    return null;
  }

  /** How many selected interfaces could not be opened, for /metrics. */
  public int openFailures() {
    return openFailures.size();
  }

  /**
   * For /healthz: what a restart would cure. Null unless scans, due every {@code interval}, have
   * stopped running (their thread died or hangs).
   */
  public @Nullable String scanProblem(Duration interval) {
    Instant last = lastScan;
    Duration since = Duration.between(last, clock.instant());
    return since.compareTo(interval.multipliedBy(3)) > 0
        ? "the interface scan has not run since " + last
        : null;
  }

  @Override
  public synchronized void close() {
    groups.close();
    ports.values().forEach(Port::close);
    ports.clear();
  }
}
