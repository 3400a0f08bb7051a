package io.heraldlb.it.bench;

import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabException;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.MetalLbLab;
import io.heraldlb.it.lab.SpeakerGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A LoadBalancer implementation the comparison runs: its allocator and a speaker per node, on the
 * lab's real control plane, with the same pools. Each is started the way its own manifests run it.
 */
interface Contender {
  String name();

  /**
   * Installs what it needs and starts the allocator and every speaker; returns once they formed.
   */
  void start();

  LabProcess speaker(LabNode node);

  /** Starts the node's speaker again after a fault; returns once it is a member again. */
  void restartSpeaker(LabNode node);

  LabProcess allocator();

  /** Stops the allocator (SIGTERM), or starts it again with the same command. */
  void stopAllocator();

  void startAllocator();

  /** How many addresses each speaker announces now. */
  Map<String, Integer> announced();

  /** Stops every program, gracefully. */
  void stop();

  /** The pools: {@code bench} for the measured Service, {@code many} for the load runs. */
  static Map<String, List<String>> pools(Lab lab) {
    Map<String, List<String>> pools = new LinkedHashMap<>();
    pools.put("bench", List.of(lab.subnet().v4(100) + "-" + lab.subnet().v4(120)));
    pools.put("many", List.of("10.200.0.0/16"));
    return pools;
  }

  Duration CONVERGE = Duration.ofSeconds(90);

  /** HeraldLB: one allocator replica and the speakers, the lab's JVM flags. */
  final class HeraldLb implements Contender {
    private final Lab lab;
    private final Map<String, LabProcess> speakers = new LinkedHashMap<>();
    private LabProcess allocator;

    HeraldLb(Lab lab) {
      this.lab = lab;
    }

    @Override
    public String name() {
      return "HeraldLB";
    }

    @Override
    public void start() {
      StringBuilder hocon = new StringBuilder("pools {\n");
      pools(lab)
          .forEach(
              (name, ranges) ->
                  hocon
                      .append("  ")
                      .append(name)
                      .append(" { addresses = [")
                      .append(
                          ranges.stream()
                              .map(r -> "\"" + r + "\"")
                              .collect(Collectors.joining(", ")))
                      .append("] }\n"));
      lab.applyPools(hocon.append("}\n").toString());
      allocator = lab.startAllocator();
      for (LabNode node : lab.nodes()) {
        speakers.put(node.name(), lab.startSpeaker(node));
      }
      SpeakerGroup.awaitConverged(
          speakers.values(), lab.nodes().stream().map(LabNode::name).toList(), CONVERGE);
    }

    @Override
    public LabProcess speaker(LabNode node) {
      return speakers.get(node.name());
    }

    @Override
    public void restartSpeaker(LabNode node) {
      speakers.put(node.name(), lab.restart(speakers.get(node.name())));
      SpeakerGroup.awaitConverged(
          speakers.values(), lab.nodes().stream().map(LabNode::name).toList(), CONVERGE);
    }

    @Override
    public LabProcess allocator() {
      return allocator;
    }

    @Override
    public void stopAllocator() {
      lab.terminateWatcher(allocator);
    }

    @Override
    public void startAllocator() {
      allocator = lab.restart(allocator);
    }

    @Override
    public Map<String, Integer> announced() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (LabNode node : lab.nodes()) {
        double n =
            io.heraldlb.it.lab.Metrics.scrape(node, 7473)
                .sum("heraldlb_announced", "node=\"" + node.name());
        counts.put(node.name(), (int) n);
      }
      return counts;
    }

    @Override
    public void stop() {
      List<LabProcess> all = new ArrayList<>(speakers.values());
      all.add(allocator);
      for (LabProcess p : all) {
        lab.terminateWatcher(p);
      }
      lab.kube().configMaps().inNamespace("heraldlb-system").withName("heraldlb-config").delete();
    }
  }

  /** MetalLB's own controller and speakers, memberlist on, its defaults. */
  final class MetalLb implements Contender {
    private final Lab lab;
    private MetalLbLab metallb;

    MetalLb(Lab lab) {
      this.lab = lab;
    }

    @Override
    public String name() {
      return "MetalLB";
    }

    @Override
    public void start() {
      metallb = MetalLbLab.install(lab, pools(lab));
      metallb.startController();
      for (LabNode node : lab.nodes()) {
        metallb.startSpeaker(node);
      }
      metallb.awaitMembers(lab.nodes().size(), CONVERGE);
    }

    @Override
    public LabProcess speaker(LabNode node) {
      return metallb.speaker(node);
    }

    @Override
    public void restartSpeaker(LabNode node) {
      metallb.restartSpeaker(node);
      metallb.awaitMembers(lab.nodes().size(), CONVERGE);
    }

    @Override
    public LabProcess allocator() {
      return metallb.controller();
    }

    @Override
    public void stopAllocator() {
      metallb.controller().terminate();
      metallb.controller().awaitExit(Duration.ofSeconds(30));
    }

    @Override
    public void startAllocator() {
      metallb.restartController();
    }

    @Override
    public Map<String, Integer> announced() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (LabNode node : lab.nodes()) {
        counts.put(node.name(), metallb.announcedBy(node));
      }
      return counts;
    }

    @Override
    public void stop() {
      if (metallb == null) {
        throw new LabException("MetalLB was not started");
      }
      metallb.stopAll();
    }
  }
}
