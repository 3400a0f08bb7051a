package io.heraldlb.it.bench;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.heraldlb.it.lab.Cmd;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabException;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.MetalLbLab;
import io.heraldlb.it.lab.Programs;
import io.heraldlb.it.lab.SpeakerGroup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /**
   * Restarts the node's speaker as a DaemonSet rollout does: SIGTERM, exit, a new one started;
   * returns once it is a member again.
   */
  void rollSpeaker(LabNode node);

  /**
   * Makes the node's speaker run a full garbage collection now; false if its runtime offers no way
   * to ask for one from outside.
   */
  boolean collectGarbage(LabNode node);

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
  Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * What a HeraldLB manifest in {@code deploy/base/} gives its JVM: the flags of {@code
   * JAVA_TOOL_OPTIONS} (a heap given as a percentage of the container's memory limit turned into
   * {@code -Xmx}, as the JVM does in the pod), and {@code MALLOC_ARENA_MAX}.
   */
  record ManifestJvm(List<String> flags, Map<String, String> env) {
    static ManifestJvm read(String file) {
      Path path = Programs.repositoryRoot().resolve("deploy/base").resolve(file);
      Object parsed;
      try (InputStream in = Files.newInputStream(path)) {
        parsed = new KubernetesSerialization().unmarshal(in);
      } catch (IOException e) {
        throw new LabException("cannot read " + path + ": " + e, e);
      }
      List<?> objects = parsed instanceof List<?> list ? list : List.of(parsed);
      PodSpec pod = null;
      for (Object o : objects) {
        if (o instanceof DaemonSet ds) {
          pod = ds.getSpec().getTemplate().getSpec();
        } else if (o instanceof Deployment d) {
          pod = d.getSpec().getTemplate().getSpec();
        }
      }
      if (pod == null) {
        throw new LabException(path + " holds no DaemonSet or Deployment");
      }
      Container c = pod.getContainers().get(0);
      Map<String, String> env = new LinkedHashMap<>();
      List<String> flags = new ArrayList<>();
      for (EnvVar v : c.getEnv()) {
        if (v.getName().equals("MALLOC_ARENA_MAX")) {
          env.put(v.getName(), v.getValue());
        } else if (v.getName().equals("JAVA_TOOL_OPTIONS")) {
          for (String flag : v.getValue().trim().split("\\s+")) {
            if (flag.startsWith("-XX:MaxRAMPercentage=")) {
              double percent = Double.parseDouble(flag.substring(flag.indexOf('=') + 1));
              long limit =
                  Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValue();
              flag = "-Xmx" + (long) (limit * percent / 100 / (1 << 20)) + "m";
            }
            flags.add(flag);
          }
        }
      }
      if (flags.isEmpty()) {
        throw new LabException(path + " sets no JAVA_TOOL_OPTIONS");
      }
      return new ManifestJvm(List.copyOf(flags), Map.copyOf(env));
    }
  }

  /**
   * HeraldLB: one allocator replica and the speakers, each JVM with the memory flags and
   * environment of its manifest in {@code deploy/base/}.
   */
  final class HeraldLb implements Contender {
    private final Lab lab;
    private final Map<String, LabProcess> speakers = new LinkedHashMap<>();
    private final ManifestJvm speakerJvm = ManifestJvm.read("speaker.yaml");
    private final ManifestJvm allocatorJvm = ManifestJvm.read("allocator.yaml");
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
      allocator =
          lab.startAllocator(
              "allocator", lab.node(1), allocatorJvm.env(), gcLogged(allocatorJvm, "allocator"));
      for (LabNode node : lab.nodes()) {
        speakers.put(
            node.name(),
            lab.startSpeaker(
                node, speakerJvm.env(), gcLogged(speakerJvm, "speaker-" + node.name())));
      }
      SpeakerGroup.awaitConverged(
          speakers.values(), lab.nodes().stream().map(LabNode::name).toList(), CONVERGE);
    }

    /** The manifest's flags, and the pauses logged beside the program's log (they explain). */
    private List<String> gcLogged(ManifestJvm jvm, String program) {
      List<String> flags = new ArrayList<>(jvm.flags());
      flags.add(
          "-Xlog:gc:file="
              + lab.logDir().resolve(program + "-gc-%p.log")
              + ":uptime,pid:filecount=0");
      return flags;
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
    public void rollSpeaker(LabNode node) {
      lab.terminateWatcher(speakers.get(node.name()));
      restartSpeaker(node);
    }

    @Override
    public boolean collectGarbage(LabNode node) {
      Path jcmd = Path.of(Programs.java()).resolveSibling("jcmd");
      long pid = speakers.get(node.name()).pid();
      Cmd.Result r = Cmd.run(List.of(jcmd.toString(), Long.toString(pid), "GC.run"), TIMEOUT);
      if (r.exit() != 0) {
        throw new LabException("jcmd " + pid + " GC.run failed: " + r.out() + r.err());
      }
      return true;
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
        if (p.isAlive()) {
          lab.terminateWatcher(p);
        }
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
    public void rollSpeaker(LabNode node) {
      lab.terminateWatcher(metallb.speaker(node));
      restartSpeaker(node);
    }

    @Override
    public boolean collectGarbage(LabNode node) {
      return false; // a Go program collects when its runtime decides
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
