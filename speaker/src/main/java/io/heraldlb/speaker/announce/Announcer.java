package io.heraldlb.speaker.announce;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.ArpWriter;
import io.heraldlb.speaker.packet.Ethernet;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.NdpWriter;
import io.heraldlb.speaker.responder.AnnouncedTable;
import io.heraldlb.speaker.transport.Transport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The announcement state of this node: which addresses it answers for on which interfaces
 * (published as an {@link AnnouncedTable} the capture threads read), and the gratuitous frames that
 * tell the LAN about each newly won address. Owned by one thread; time comes from the injected
 * clock.
 */
public final class Announcer {

  /** Counts each gratuitous frame sent. */
  @FunctionalInterface
  public interface SentCounter {
    void gratuitousSent(String interfaceName, boolean ndp);
  }

  private final Transport transport;
  private final Clock clock;
  private final SentCounter counter;
  private final AnnounceSchedule schedule;
  private final Map<IpAddress, Assignment> current = new TreeMap<>();
  private final Map<IpAddress, Instant> handingOver = new HashMap<>();
  private final byte[] buffer = new byte[Math.max(ArpWriter.MAX_LENGTH, NdpWriter.MAX_LENGTH)];
  private volatile AnnouncedTable table = AnnouncedTable.EMPTY;

  public Announcer(Transport transport, Clock clock, Duration refresh, SentCounter counter) {
    this.transport = transport;
    this.clock = clock;
    this.counter = counter;
    this.schedule = new AnnounceSchedule(refresh);
  }

  /** What the capture threads answer for; safe to call from any thread. */
  public AnnouncedTable table() {
    return table;
  }

  public Map<IpAddress, Assignment> current() {
    return Map.copyOf(current);
  }

  /** {@link #apply(Map, Set, Duration)} with nothing to hand over: lost means unanswered now. */
  public List<Change> apply(Map<IpAddress, Assignment> wanted) {
    return apply(wanted, Set.of(), Duration.ZERO);
  }

  /**
   * Makes {@code wanted} the announced set. Lost addresses stop being answered before this returns,
   * except those in {@code handOver} (another live speaker won them): those are still answered,
   * without gratuitous frames, until the winner's claim is seen ({@link #release}) or {@code grace}
   * passes ({@link #expireHandovers}), so the LAN never asks into a gap while the winner starts
   * announcing. Won ones are due for gratuitous frames at once (call {@link #tick}).
   */
  public List<Change> apply(
      Map<IpAddress, Assignment> wanted, Set<IpAddress> handOver, Duration grace) {
    List<Change> changes = new ArrayList<>();
    boolean tableChanged = false;
    Instant now = clock.instant();
    for (Assignment before : List.copyOf(current.values())) {
      IpAddress ip = before.ip();
      if (wanted.containsKey(ip)) {
        continue;
      }
      if (handOver.contains(ip)) {
        if (handingOver.putIfAbsent(ip, now.plus(grace)) == null) {
          schedule.lose(ip);
          changes.add(new Change.Lost(before));
        }
        continue;
      }
      current.remove(ip);
      schedule.lose(ip);
      if (handingOver.remove(ip) == null) {
        changes.add(new Change.Lost(before));
      } else {
        tableChanged = true; // reported as lost when the handover began
      }
    }
    for (Assignment next : new TreeMap<>(wanted).values()) {
      Assignment before = current.put(next.ip(), next);
      if (before == null || handingOver.remove(next.ip()) != null) {
        schedule.win(next.ip(), now);
        changes.add(new Change.Won(next));
      } else if (!before.interfaces().equals(next.interfaces())) {
        schedule.lose(next.ip());
        schedule.win(next.ip(), now);
        changes.add(new Change.Moved(before, next));
      } else if (!before.services().equals(next.services())) {
        changes.add(new Change.Relabelled(before, next));
      }
    }
    if (tableChanged || changes.stream().anyMatch(c -> !(c instanceof Change.Relabelled))) {
      publish();
    }
    return changes;
  }

  /** Whether {@code ip} is still answered only until its new announcer is heard. */
  public boolean handingOver(IpAddress ip) {
    return handingOver.containsKey(ip);
  }

  /** Stops answering for addresses whose handover grace has passed; returns them. */
  public List<IpAddress> expireHandovers() {
    Instant now = clock.instant();
    List<IpAddress> expired = new ArrayList<>();
    for (Map.Entry<IpAddress, Instant> e : List.copyOf(handingOver.entrySet())) {
      if (!now.isBefore(e.getValue())) {
        handingOver.remove(e.getKey());
        current.remove(e.getKey());
        expired.add(e.getKey());
      }
    }
    if (!expired.isEmpty()) {
      publish();
    }
    return expired;
  }

  /** Stops answering for {@code ip} without a new plan: a successor has taken it over. */
  public Optional<Assignment> release(IpAddress ip) {
    handingOver.remove(ip);
    Assignment before = current.remove(ip);
    if (before != null) {
      schedule.lose(ip);
      publish();
    }
    return Optional.ofNullable(before);
  }

  /** Sends the gratuitous frames that are due. */
  public void tick() {
    for (IpAddress ip : schedule.due(clock.instant())) {
      Assignment a = current.get(ip);
      if (a != null) {
        announce(a);
      }
    }
  }

  /** When {@link #tick} next has work, if ever. */
  public Optional<java.time.Instant> nextDue() {
    return schedule.nextDue();
  }

  private void announce(Assignment a) {
    Map<String, MacAddress> links = transport.links();
    for (String name : a.interfaces()) {
      MacAddress mac = links.get(name);
      if (mac == null) {
        continue; // closed since the plan was made; the next plan moves the address
      }
      if (a.ip().isV4()) {
        send(
            name,
            ArpWriter.writeGratuitous(
                buffer, ArpWriter.GratuitousForm.REQUEST, mac, a.ip(), Ethernet.NO_VLAN),
            false);
        send(
            name,
            ArpWriter.writeGratuitous(
                buffer, ArpWriter.GratuitousForm.REPLY, mac, a.ip(), Ethernet.NO_VLAN),
            false);
      } else {
        send(
            name,
            NdpWriter.writeUnsolicitedAdvertisement(buffer, mac, a.ip(), Ethernet.NO_VLAN),
            true);
      }
    }
  }

  private void send(String name, int length, boolean ndp) {
    if (transport.send(name, buffer, length)) {
      counter.gratuitousSent(name, ndp);
    }
  }

  private void publish() {
    Map<IpAddress, List<String>> by = new HashMap<>();
    current.forEach((ip, a) -> by.put(ip, a.interfaces()));
    AnnouncedTable next = AnnouncedTable.of(by);
    // A request that passes the new filter before the table is published is dropped as not ours,
    // as it was before filters; one filtered out in that instant was for an address being given up.
    transport.captureFor(next);
    table = next;
  }
}
