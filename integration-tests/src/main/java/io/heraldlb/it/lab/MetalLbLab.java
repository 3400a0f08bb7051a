package io.heraldlb.it.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MetalLB's own controller and speakers, built from its Go module ({@code
 * integration-tests/metallb/build.sh}), run on the lab's real control plane as their pods would
 * run: the speakers on the nodes' host networks with memberlist on (its key from a file, as the
 * DaemonSet mounts it), the controller without its webhook, both with the lab's admin kubeconfig.
 * Their Pods exist in {@value #NAMESPACE}, since both read their own at start and the speakers find
 * their peers through them. MetalLB's defaults otherwise, as its users run it.
 */
public final class MetalLbLab {
  public static final String NAMESPACE = "metallb-system";
  private static final Map<String, String> SPEAKER_LABELS =
      Map.of("app", "metallb", "component", "speaker");

  private final Lab lab;
  private final Path bin;
  private final Path keyDir;
  private final Map<String, LabProcess> speakers = new ConcurrentHashMap<>();
  private LabProcess controller;

  private MetalLbLab(Lab lab, Path bin, Path keyDir) {
    this.lab = lab;
    this.bin = bin;
    this.keyDir = keyDir;
  }

  /**
   * Builds MetalLB if needed, installs its CRDs (of the same version), its namespace and its Pods,
   * and {@code pools} (name to address ranges) each with an L2Advertisement of its own. The
   * programs are not started yet.
   */
  public static MetalLbLab install(Lab lab, Map<String, List<String>> pools) {
    Path bin = BuildScript.run("integration-tests/metallb/build.sh", "MetalLB");
    Path crds = bin.getParent().resolve("crds");
    apply(lab, "apply", "--server-side", "-f", crds.toString());
    apply(lab, "wait", "--for=condition=Established", "--timeout=60s", "-f", crds.toString());
    apply(lab, "create", "namespace", NAMESPACE);
    Seeds.hostNetworkPod(
        lab.kube(),
        NAMESPACE,
        "controller",
        Map.of("app", "metallb", "component", "controller"),
        "default",
        lab.node(1));
    for (LabNode node : lab.nodes()) {
      Seeds.hostNetworkPod(
          lab.kube(), NAMESPACE, "speaker-" + node.name(), SPEAKER_LABELS, "default", node);
    }
    StringBuilder yaml = new StringBuilder();
    pools.forEach(
        (name, ranges) -> {
          yaml.append(
              """
              apiVersion: metallb.io/v1beta1
              kind: IPAddressPool
              metadata: {name: %s, namespace: %s}
              spec:
                addresses: [%s]
              ---
              apiVersion: metallb.io/v1beta1
              kind: L2Advertisement
              metadata: {name: %s, namespace: %s}
              spec:
                ipAddressPools: [%s]
              ---
              """
                  .formatted(name, NAMESPACE, String.join(", ", ranges), name, NAMESPACE, name));
        });
    try {
      Path key = Files.createDirectories(lab.logDir().resolve("metallb-memberlist"));
      byte[] secret = new byte[16];
      new SecureRandom().nextBytes(secret);
      Files.writeString(key.resolve("secretkey"), HexFormat.of().formatHex(secret));
      Path file = lab.logDir().resolve("metallb-pools.yaml");
      Files.writeString(file, yaml);
      apply(lab, "apply", "-f", file.toString());
      return new MetalLbLab(lab, bin, key);
    } catch (IOException e) {
      throw new LabException("cannot write MetalLB's pools and key: " + e.getMessage(), e);
    }
  }

  private static void apply(Lab lab, String... args) {
    Cmd.Result r = lab.kubectl(Duration.ofSeconds(90), args);
    if (r.exit() != 0) {
      throw new LabException("kubectl " + String.join(" ", args) + ": " + r.err());
    }
  }

  /** The controller, in node1's namespace, on ports that do not meet its speaker's. */
  public LabProcess startController() {
    List<String> argv =
        new ArrayList<>(
            List.of(
                bin.resolve("controller").toString(),
                "--kubeconfig=" + lab.kubeconfig(),
                "--namespace=" + NAMESPACE,
                "--pod-name=controller",
                "--webhook-mode=disabled",
                "--port=9121",
                "--health-probe-port=17474",
                "--log-level=info"));
    controller = lab.start("metallb-controller", lab.node(1), Map.of(), argv);
    return controller;
  }

  /** The speaker of {@code node}, inside its namespace, memberlist bound to the node's address. */
  public LabProcess startSpeaker(LabNode node) {
    List<String> argv =
        List.of(
            bin.resolve("speaker").toString(),
            "--kubeconfig=" + lab.kubeconfig(),
            "--namespace=" + NAMESPACE,
            "--node-name=" + node.name(),
            "--pod-name=speaker-" + node.name(),
            "--ml-bindaddr=" + node.ip(),
            "--ml-labels=app=metallb,component=speaker",
            "--ml-secret-key-path=" + keyDir,
            "--log-level=info");
    LabProcess p = lab.start("metallb-speaker-" + node.name(), node, Map.of(), argv);
    speakers.put(node.name(), p);
    return p;
  }

  public LabProcess speaker(LabNode node) {
    LabProcess p = speakers.get(node.name());
    if (p == null) {
      throw new LabException("no MetalLB speaker started on " + node.name());
    }
    return p;
  }

  /** Kills the node's speaker if it still runs, and starts it again with the same command. */
  public LabProcess restartSpeaker(LabNode node) {
    LabProcess p = lab.restart(speaker(node));
    speakers.put(node.name(), p);
    return p;
  }

  /** Starts the controller again (killing it first if it still runs), with the same command. */
  public LabProcess restartController() {
    controller = lab.restart(controller());
    return controller;
  }

  public LabProcess controller() {
    if (controller == null) {
      throw new LabException("MetalLB's controller was not started");
    }
    return controller;
  }

  private static final Pattern NODE_NAME = Pattern.compile("\"node name\":\"([^\"]+)\"");
  private static final Pattern NODE_EVENT =
      Pattern.compile("\"node event\":\"(NodeJoin|NodeLeave)\"");
  private static final Pattern ANNOUNCED = Pattern.compile("\"ips\":\\[([^\\]]*)\\]");
  private static final Pattern WITHDRAWN = Pattern.compile("\"ip\":\\[([^\\]]*)\\]");

  /**
   * The other nodes this speaker's memberlist holds now, from its log of this run: MetalLB logs
   * every NodeJoin and NodeLeave it acts on.
   */
  public Set<String> members(LabNode node) {
    Set<String> members = new TreeSet<>();
    for (String line : speaker(node).output()) {
      Matcher name = NODE_NAME.matcher(line);
      Matcher event = NODE_EVENT.matcher(line);
      if (name.find() && event.find() && !name.group(1).equals(node.name())) {
        if (event.group(1).equals("NodeJoin")) {
          members.add(name.group(1));
        } else {
          members.remove(name.group(1));
        }
      }
    }
    return members;
  }

  /** Waits until every speaker holds every other as a member; fails at once if one exits. */
  public void awaitMembers(int nodes, Duration timeout) {
    Await.until(
        "every MetalLB speaker to hold the other " + (nodes - 1) + " in its memberlist",
        timeout,
        () -> {
          for (Map.Entry<String, LabProcess> e : speakers.entrySet()) {
            if (!e.getValue().isAlive()) {
              throw new LabException(e.getValue().name() + " exited:\n" + e.getValue().tail(15));
            }
          }
          return lab.nodes().stream().allMatch(n -> members(n).size() == nodes - 1);
        });
  }

  /**
   * How many addresses the node's speaker announces now, from its log of this run ({@code
   * serviceAnnounced} with the Service's IPs, {@code serviceWithdrawn} with them).
   */
  public int announcedBy(LabNode node) {
    Set<String> ips = new java.util.HashSet<>();
    for (String line : speaker(node).output()) {
      if (line.contains("\"serviceAnnounced\"")) {
        Matcher m = ANNOUNCED.matcher(line);
        if (m.find()) {
          ips.addAll(List.of(m.group(1).replace("\"", "").split(",")));
        }
      } else if (line.contains("\"serviceWithdrawn\"")) {
        Matcher m = WITHDRAWN.matcher(line);
        if (m.find()) {
          List.of(m.group(1).replace("\"", "").split(",")).forEach(ips::remove);
        }
      }
    }
    ips.remove("");
    return ips.size();
  }

  /** Stops every MetalLB program (SIGTERM), the controller last. */
  public void stopAll() {
    List<LabProcess> all = new ArrayList<>(speakers.values());
    if (controller != null) {
      all.add(controller);
    }
    for (LabProcess p : all) {
      if (p.isAlive()) { // one that exited on its own (no route to the API) needs no signal
        p.terminate();
        p.awaitExit(Duration.ofSeconds(30));
      }
    }
  }
}
