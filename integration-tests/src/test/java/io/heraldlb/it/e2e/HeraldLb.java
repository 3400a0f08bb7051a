package io.heraldlb.it.e2e;

import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.SpeakerGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** HeraldLB installed on a lab: one allocator, a speaker per node, kube-proxy following. */
final class HeraldLb {
  private final Lab lab;
  private LabProcess allocator;
  private final List<LabProcess> speakers;

  private HeraldLb(Lab lab, LabProcess allocator, List<LabProcess> speakers) {
    this.lab = lab;
    this.allocator = allocator;
    this.speakers = new ArrayList<>(speakers);
  }

  /** Starts everything and waits until the speakers form one group. */
  static HeraldLb install(Lab lab) {
    LabProcess allocator = lab.startAllocator();
    List<LabProcess> speakers = lab.startSpeakers();
    lab.serveServices();
    HeraldLb installed = new HeraldLb(lab, allocator, speakers);
    Duration took = installed.awaitSpeakerGroup();
    System.out.printf("speakers formed one group in %d ms%n", took.toMillis());
    return installed;
  }

  /** The speaker on node {@code index} (1-based). */
  LabProcess speaker(int index) {
    return speakers.get(index - 1);
  }

  List<LabProcess> speakers() {
    return List.copyOf(speakers);
  }

  /** Starts a stopped (killed) speaker again, and waits until the group is whole again. */
  void restartSpeaker(int index) {
    speakers.set(index - 1, lab.restart(speakers.get(index - 1)));
    awaitSpeakerGroup();
    // The nodes that held its addresses meanwhile answer until they hear its gratuitous ARP, 2 s
    // at most (the speaker's HANDOVER_GRACE): after that, one node answers for each address.
    Await.pause(Duration.ofMillis(2500));
  }

  Duration awaitSpeakerGroup() {
    return SpeakerGroup.awaitConverged(lab.nodes(), speakers);
  }

  /**
   * Starts the allocator again if it has exited, as its Deployment would; returns whether it had.
   * (An allocator that cannot renew its Lease exits by design, so state is rebuilt from the API.)
   */
  boolean restartAllocatorIfExited() {
    if (allocator.isAlive()) {
      return false;
    }
    allocator = lab.restart(allocator);
    return true;
  }

  LabProcess allocator() {
    return allocator;
  }

  /** Fails with the log's tail if a speaker died. */
  void assertSpeakersRunning() {
    for (LabProcess p : speakers) {
      if (!p.isAlive()) {
        throw new AssertionError(p.name() + " is not running; its log ends:\n" + p.tail(20));
      }
    }
  }

  /** Fails with the log's tail if a HeraldLB process died. */
  void assertAllRunning() {
    List<LabProcess> all = new ArrayList<>(speakers);
    all.add(allocator);
    for (LabProcess p : all) {
      if (!p.isAlive()) {
        throw new AssertionError(p.name() + " is not running; its log ends:\n" + p.tail(20));
      }
    }
  }
}
