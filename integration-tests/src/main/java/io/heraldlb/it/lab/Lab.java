package io.heraldlb.it.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real layer-2 network on this machine, in network namespaces: a LAN (a bridge in its own
 * namespace), a client, N nodes, and a Kubernetes API reachable from all of them — by default the
 * real {@link ControlPlane} with kube-proxy on every node and Pods on a {@link PodNetwork}, or the
 * embedded {@link ApiServer} with kube-proxy emulated ({@link KubeProxy}). Everything it creates is
 * named {@code PREFIX-RUNID-*} and removed by {@link #close()}, by a shutdown hook (Ctrl-C), when
 * setup fails halfway, and — if this JVM was killed — by the next lab's {@link
 * #cleanupLeftovers(String)}.
 *
 * <p>Over 300 lines on purpose: the parts live in their own classes ({@link Network}, {@link
 * ControlPlane}, {@link PodNetwork}, {@link NodeProxies}, ...); what is left here is the order in
 * which they are set up and removed, kept in one file so that removal can be checked against it.
 */
public final class Lab implements AutoCloseable {
  public static final String DEFAULT_PREFIX = "hlb";
  public static final String POOL_CONFIG_MAP = "heraldlb-config";
  public static final List<String> DEFAULT_JVM_ARGS =
      List.of("-XX:+UseSerialGC", "-Xmx160m", "-XX:+ExitOnOutOfMemoryError");

  private final String run;
  private final Subnet subnet;
  private final Launcher launcher;
  private final List<String> jvmArgs;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook = new Thread(this::close, "lab-cleanup");
  private final LabApi.Kind kind;
  private Network network;
  private LabApi api;
  private LabClient client;
  private KubeProxy kubeProxy;
  private PodNetwork podNetwork;
  private NodeProxies nodeProxies;
  private Workloads workloads;

  private Lab(String run, Subnet subnet, Path logDir, List<String> jvmArgs, LabApi.Kind kind) {
    this.run = run;
    this.subnet = subnet;
    this.launcher = new Launcher(logDir, run);
    this.jvmArgs = List.copyOf(jvmArgs);
    this.kind = kind;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How to build a lab; {@link #start()} builds it. */
  public static final class Builder {
    private int nodes = 3;
    private String prefix = DEFAULT_PREFIX;
    private String runId =
        HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private LabRegistry.Mode mode = LabRegistry.Mode.TEST;
    private List<String> jvmArgs = DEFAULT_JVM_ARGS;
    private Path logRoot;
    private LabApi.Kind kube = LabApi.Kind.REAL;

    /** Which API the lab runs on (default: the real control plane). */
    public Builder kube(LabApi.Kind kube) {
      this.kube = kube;
      return this;
    }

    public Builder nodes(int nodes) {
      if (nodes < 1 || nodes > 200) {
        throw new IllegalArgumentException("nodes must be 1..200, was " + nodes);
      }
      this.nodes = nodes;
      return this;
    }

    /** Names start with this (default {@code hlb}); 1–7 lower-case letters or digits. */
    public Builder prefix(String prefix) {
      if (!prefix.matches("[a-z0-9]{1,7}")) {
        throw new IllegalArgumentException("prefix must be 1-7 of [a-z0-9], was " + prefix);
      }
      this.prefix = prefix;
      return this;
    }

    /** Defaults to 4 random hex digits. */
    public Builder runId(String runId) {
      if (!runId.matches("[a-z0-9]{1,4}")) {
        throw new IllegalArgumentException("run id must be 1-4 of [a-z0-9], was " + runId);
      }
      this.runId = runId;
      return this;
    }

    public Builder mode(LabRegistry.Mode mode) {
      this.mode = mode;
      return this;
    }

    /** JVM flags for the speakers and the allocator. */
    public Builder jvmArgs(List<String> jvmArgs) {
      this.jvmArgs = List.copyOf(jvmArgs);
      return this;
    }

    /** Where {@code RUN/} log directories go; default integration-tests/target/lab-logs. */
    public Builder logRoot(Path logRoot) {
      this.logRoot = logRoot;
      return this;
    }

    /** Removes leftovers of dead runs, then builds the whole lab (or nothing). */
    public Lab start() {
      LabPreconditions.require();
      LabRegistry.cleanupLeftovers(prefix);
      String run = prefix + "-" + runId;
      Path root =
          logRoot != null
              ? logRoot
              : Programs.repositoryRoot().resolve("integration-tests/target/lab-logs");
      Subnet subnet = LabRegistry.claim(run, mode);
      if (kube == LabApi.Kind.REAL) {
        KubeBinaries.ensure(); // before anything exists: the first build takes a while
      }
      Lab lab = new Lab(run, subnet, root.resolve(run), jvmArgs, kube);
      Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
      try {
        lab.build(nodes);
        return lab;
      } catch (RuntimeException e) {
        lab.close();
        throw e;
      }
    }
  }

  private void build(int nodeCount) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= nodeCount; i++) {
      names.add("node" + i);
    }
    network = Network.create(run, subnet, names);
    client =
        new LabClient(
            network.clientNs,
            subnet.client(),
            subnet.clientV6(),
            Netns.mac(network.clientNs, Network.LAN_IFACE),
            launcher);
    if (kind == LabApi.Kind.REAL) {
      Path bin = KubeBinaries.ensure();
      ControlPlane plane = ControlPlane.start(bin, subnet.gateway(), launcher);
      api = plane;
      plane.installHeraldLbIdentities(Programs.repositoryRoot().resolve("deploy"));
      seedNodes();
      podNetwork = PodNetwork.create(network.nodes);
      nodeProxies =
          NodeProxies.start(
              network.nodes, bin, plane.kubeProxyKubeconfig(), launcher, Duration.ofSeconds(60));
      workloads = new Workloads(api.client(), podNetwork, launcher);
    } else {
      api = ApiServer.start(subnet.gateway(), launcher.logDir().resolve("kubeconfig"));
      seedNodes();
      kubeProxy = new KubeProxy(network.nodes, launcher);
    }
  }

  private void seedNodes() {
    for (LabNode node : network.nodes) {
      Seeds.node(api.client(), node);
      Seeds.speakerPod(api.client(), node);
    }
  }

  /**
   * The speaker pods the lab's speakers stand for, again: after something replaced them (a
   * DaemonSet applied to the lab's API server, whose controller takes pods of its label over, and
   * whose own pods never run here, having no kubelet).
   */
  public void reseedSpeakerPods() {
    // Bound pods wait for their kubelet to confirm a graceful deletion: there is none.
    api.client()
        .pods()
        .inNamespace(LabApi.HERALDLB_NAMESPACE)
        .withLabel(LabApi.SPEAKER_LABEL, LabApi.SPEAKER_LABEL_VALUE)
        .withGracePeriod(0)
        .delete();
    Await.until(
        "the replaced speaker pods to be gone",
        Duration.ofSeconds(60),
        () ->
            api.client()
                .pods()
                .inNamespace(LabApi.HERALDLB_NAMESPACE)
                .withLabel(LabApi.SPEAKER_LABEL, LabApi.SPEAKER_LABEL_VALUE)
                .list()
                .getItems()
                .isEmpty());
    for (LabNode node : network.nodes) {
      Seeds.speakerPod(api.client(), node);
    }
  }

  /** Creates or replaces the pool ConfigMap {@code heraldlb-system/heraldlb-config}. */
  public io.fabric8.kubernetes.api.model.ConfigMap applyPoolConfigMap(Map<String, String> data) {
    return api.client()
        .configMaps()
        .inNamespace(LabApi.HERALDLB_NAMESPACE)
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName(POOL_CONFIG_MAP)
                .withNamespace(LabApi.HERALDLB_NAMESPACE)
                .endMetadata()
                .withData(data)
                .build())
        .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
  }

  /** The pool ConfigMap with {@code pools.conf} only. */
  public io.fabric8.kubernetes.api.model.ConfigMap applyPools(String hocon) {
    return applyPoolConfigMap(Map.of("pools.conf", hocon));
  }

  /** Which API this lab runs on. */
  public LabApi.Kind kind() {
    return kind;
  }

  /**
   * From now on every LoadBalancer Service gets backends that the client reaches through its
   * EXTERNAL-IP: on the real control plane, a ready Pod per node that kube-proxy forwards to; on
   * the embedded API, the emulated kube-proxy's backends.
   */
  public void serveServices() {
    if (workloads != null) {
      workloads.follow();
    } else {
      kubeProxy.follow(api.client());
    }
  }

  public String run() {
    return run;
  }

  public Subnet subnet() {
    return subnet;
  }

  public List<LabNode> nodes() {
    return List.copyOf(network.nodes);
  }

  /** Node {@code index}, 1-based. */
  public LabNode node(int index) {
    return network.nodes.get(index - 1);
  }

  public Optional<LabNode> nodeByMac(String mac) {
    return network.nodes.stream().filter(n -> n.mac().equalsIgnoreCase(mac)).findFirst();
  }

  public Optional<LabNode> nodeByName(String name) {
    return network.nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /**
   * {@code curl http://IP:PORT/} from the client; the node the request entered the cluster through,
   * as the backend saw it: the node whose address it came from (kube-proxy masqueraded it on), or
   * the backend's own node when it came straight from the client (the embedded lab; {@code
   * externalTrafficPolicy: Local}, which kube-proxy never forwards to another node).
   */
  public Optional<LabNode> entryNode(String ip, int port) {
    return client.get(ip, port).map(this::entryNode);
  }

  /** As {@link #entryNode(String, int)}, for an answer already fetched. */
  public LabNode entryNode(LabClient.Answer answer) {
    String peer = answer.peer();
    Optional<LabNode> entry =
        sameAddress(peer, client.ip()) || sameAddress(peer, client.ipv6())
            ? nodeByName(answer.backendNode())
            : network.nodes.stream()
                .filter(
                    n ->
                        sameAddress(peer, n.ip())
                            || sameAddress(peer, n.ipv6())
                            || sameAddress(peer, PodNetwork.gateway(n))
                            || sameAddress(peer, PodNetwork.gatewayV6(n)))
                .findFirst();
    return entry.orElseThrow(
        () -> new LabException("a backend saw a request from " + peer + ", which is no lab node"));
  }

  public LabClient client() {
    return client;
  }

  public LabApi api() {
    return api;
  }

  /** The real control plane; fails on a lab with the embedded API. */
  public ControlPlane controlPlane() {
    if (api instanceof ControlPlane plane) {
      return plane;
    }
    throw new LabException("this lab runs on the embedded API server, not the real control plane");
  }

  /** The Pods behind Services (real control plane only). */
  public Workloads workloads() {
    if (workloads == null) {
      throw new LabException("this lab runs on the embedded API server: it has no Pods");
    }
    return workloads;
  }

  /** kube-proxy's nftables rules on {@code node} (real control plane only). */
  public String proxyRules(LabNode node) {
    controlPlane();
    return NodeProxies.rules(node);
  }

  public KubernetesClient kube() {
    return api.client();
  }

  public Path kubeconfig() {
    return api.kubeconfig();
  }

  public Path logDir() {
    return launcher.logDir();
  }

  /**
   * The control plane's own kubectl, as the lab's admin, with {@code args}; never throws on exit.
   */
  public Cmd.Result kubectl(Duration timeout, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(controlPlane().binaries().resolve("kubectl").toString());
    argv.add("--kubeconfig");
    argv.add(kubeconfig().toString());
    argv.addAll(List.of(args));
    return Cmd.run(argv, timeout);
  }

  /** The root namespace's interface into the LAN. */
  public String rootLink() {
    return network.rootLink;
  }

  /** The emulated kube-proxy (embedded API only). */
  public KubeProxy kubeProxy() {
    if (kubeProxy == null) {
      throw new LabException("this lab runs real kube-proxy: there is no emulation to drive");
    }
    return kubeProxy;
  }

  /**
   * The speakers' transport ({@code HERALDLB_TRANSPORT}) for a whole run, e.g. {@code
   * -Dheraldlb.lab.transport=pcap}; unset, the speaker's default.
   */
  public static final String TRANSPORT_PROPERTY = "heraldlb.lab.transport";

  /**
   * Starts the speaker JVM inside the node's namespace, as the DaemonSet pod would run; {@code
   * extraEnv} overrides the defaults, and an empty value removes one.
   */
  public LabProcess startSpeaker(LabNode node, Map<String, String> extraEnv) {
    return startSpeaker(node, extraEnv, List.of());
  }

  /** As {@link #startSpeaker(LabNode, Map)}, with JVM flags after the lab's own. */
  public LabProcess startSpeaker(
      LabNode node, Map<String, String> extraEnv, List<String> extraJvmArgs) {
    List<String> flags = new ArrayList<>(jvmArgs);
    flags.addAll(extraJvmArgs);
    List<String> jar = List.of("-jar", Programs.speakerJar().toString());
    return launcher.java(
        "speaker-" + node.name(), node.netns(), speakerEnv(node, extraEnv), flags, jar);
  }

  /** The DaemonSet's environment for {@code node}'s speaker, with {@code extraEnv} over it. */
  private Map<String, String> speakerEnv(LabNode node, Map<String, String> extraEnv) {
    Map<String, String> env = new LinkedHashMap<>(kubeEnv(LabApi.SPEAKER_ACCOUNT));
    env.put("HERALDLB_MEMBERSHIP_KEY_DIR", speakerGroupKey().toString());
    env.put("HERALDLB_NODE_NAME", node.name());
    env.put("HERALDLB_POD_IP", node.ip());
    env.put("HERALDLB_INTERFACES", node.iface());
    String transport = System.getProperty(TRANSPORT_PROPERTY, "");
    if (!transport.isBlank()) {
      env.put("HERALDLB_TRANSPORT", transport.strip());
    }
    env.putAll(extraEnv);
    env.values().removeIf(String::isEmpty); // an empty value in extraEnv unsets the variable
    return env;
  }

  /**
   * Starts the speaker from an unpacked container image instead of the jar: {@code rootfs} is the
   * image's filesystem, {@code entrypoint} and {@code imageEnv} its config's, {@code user} who it
   * runs as (the DaemonSet's {@code runAsUser}). Runs as a container runtime would, near enough:
   * inside the node's namespace (whose private mount namespace {@code ip netns exec} makes) with
   * /proc, /sys and /dev mounted into the tree and the kubeconfig's and the group key's directories
   * bound at their own paths, then {@code chroot}. The mounts end with the process. The lab's JVM
   * flags go in {@code JAVA_TOOL_OPTIONS}.
   */
  public LabProcess startSpeakerFromImage(
      LabNode node,
      Path rootfs,
      List<String> entrypoint,
      Map<String, String> imageEnv,
      String user,
      Map<String, String> extraEnv) {
    Map<String, String> env = new LinkedHashMap<>(imageEnv);
    env.putAll(speakerEnv(node, extraEnv));
    env.put("JAVA_TOOL_OPTIONS", String.join(" ", jvmArgs));
    StringBuilder script = new StringBuilder("set -e; r=\"$1\"; u=\"$2\"; shift 2\n");
    script.append("mount -t proc proc \"$r/proc\"; mount --rbind /sys \"$r/sys\"\n");
    script.append("mount --rbind /dev \"$r/dev\"\n");
    Set<Path> binds =
        new TreeSet<>(List.of(Path.of(env.get("KUBECONFIG")).getParent(), speakerGroupKey()));
    for (Path dir : binds) {
      script.append("mkdir -p \"$r").append(dir).append("\"; mount --bind ").append(dir);
      script.append(" \"$r").append(dir).append("\"\n");
    }
    script.append("exec chroot --userspec=\"$u\" \"$r\" \"$@\"\n");
    List<String> argv =
        new ArrayList<>(List.of("sh", "-c", script.toString(), "sh", rootfs.toString(), user));
    argv.addAll(entrypoint);
    return launcher.start("speaker-image-" + node.name(), node.netns(), env, argv);
  }

  public LabProcess startSpeaker(LabNode node) {
    return startSpeaker(node, Map.of());
  }

  /**
   * Starts any program inside {@code node}'s namespace (null: the root namespace), logging to
   * NAME.log in the lab's log directory; close() stops it.
   */
  public LabProcess start(String name, LabNode node, Map<String, String> env, List<String> argv) {
    return launcher.start(name, node == null ? null : node.netns(), env, argv);
  }

  private Path speakerGroupKey;

  /** The lab's speaker group key (the Secret's files), made on first use. */
  public synchronized Path speakerGroupKey() {
    if (speakerGroupKey == null) {
      speakerGroupKey = Pki.speakerGroupKey(logDir().resolve("membership"), "heraldlb-speaker");
    }
    return speakerGroupKey;
  }

  /** A key of the same kind that is not the lab's: what a stranger holds. */
  public Path strangerKey() {
    return Pki.speakerGroupKey(logDir().resolve("stranger-membership"), "heraldlb-speaker");
  }

  /** One speaker per node. */
  public List<LabProcess> startSpeakers() {
    return network.nodes.stream().map(this::startSpeaker).toList();
  }

  /**
   * Starts an allocator replica in a node's namespace (null: the root namespace). Give replicas
   * distinct {@code name}s; extra env overrides the defaults (e.g. {@code HERALDLB_HTTP_PORT}).
   */
  public LabProcess startAllocator(String name, LabNode where, Map<String, String> extraEnv) {
    return startAllocator(name, where, extraEnv, List.of());
  }

  /**
   * As {@link #startAllocator(String, LabNode, Map)}, with JVM flags after the lab's own, e.g.
   * {@code -Dheraldlb.allocator.lease-duration=4s} for settings that have no variable.
   */
  public LabProcess startAllocator(
      String name, LabNode where, Map<String, String> extraEnv, List<String> extraJvmArgs) {
    Map<String, String> env = new LinkedHashMap<>(kubeEnv(LabApi.ALLOCATOR_ACCOUNT));
    if (where != null) {
      env.put("HERALDLB_POD_IP", where.ip()); // as the Deployment passes status.podIP
    }
    env.putAll(extraEnv);
    List<String> flags = new ArrayList<>(jvmArgs);
    flags.addAll(extraJvmArgs);
    List<String> jar = List.of("-jar", Programs.allocatorJar().toString());
    return launcher.java(name, where == null ? null : where.netns(), env, flags, jar);
  }

  /** One allocator replica in node1's namespace. */
  public LabProcess startAllocator() {
    return startAllocator("allocator", node(1), Map.of());
  }

  /**
   * Waits until the objects HeraldLB watches (Services, EndpointSlices, Nodes, ConfigMaps, Pods)
   * have not changed for {@code quietFor}. Stop a watching process only then: the lab's API server
   * stalls for about 30 s when a watch connection closes while it sends an event on it.
   */
  public void awaitApiQuiet(Duration quietFor, Duration timeout) {
    ApiQuiet.await(api.client(), quietFor, timeout);
  }

  /**
   * SIGKILLs a process that watches the API (a speaker, an allocator) and returns once it is gone
   * and the API server has dropped its watches: a change made before then can stall the server for
   * about 30 s. Kill only while the API is quiet ({@link #awaitApiQuiet}). Returns when the signal
   * was sent.
   */
  public Instant killWatcher(LabProcess process) {
    return stopWatcher(process, process::kill);
  }

  /** As {@link #killWatcher}, with SIGTERM: the process shuts down its own way. */
  public Instant terminateWatcher(LabProcess process) {
    return stopWatcher(process, process::terminate);
  }

  private Instant stopWatcher(LabProcess process, java.util.function.Supplier<Instant> signal) {
    if (!(api instanceof ApiServer embedded)) {
      Instant sent = signal.get();
      process.awaitExit(Duration.ofSeconds(30));
      return sent;
    }
    int before = embedded.watchCount();
    Instant sent = signal.get();
    process.awaitExit(Duration.ofSeconds(30));
    int[] last = {before};
    long[] since = {System.nanoTime()};
    Await.until(
        "the API server to drop the watches of " + process.name(),
        Duration.ofSeconds(30),
        () -> {
          int now = embedded.watchCount();
          if (now != last[0]) {
            last[0] = now;
            since[0] = System.nanoTime();
            return false;
          }
          return now < before && System.nanoTime() - since[0] > WATCHES_SETTLED.toNanos();
        });
    return sent;
  }

  /** Whether two literal addresses are one ({@code fd77:0:0:0:0:0:0:12} is {@code fd77::12}). */
  private static boolean sameAddress(String a, String b) {
    try {
      return java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b));
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** Closed watches are dropped within microseconds of each other: this much calm means done. */
  private static final Duration WATCHES_SETTLED = Duration.ofMillis(100);

  /**
   * Pulls {@code node}'s cable: its port on the LAN goes down. The node sees no carrier; its
   * addresses, routes and sockets stay, and nothing it sends arrives anywhere.
   */
  public void unplug(LabNode node) {
    network.cable(node.index(), false);
  }

  /**
   * Plugs {@code node}'s cable in again; returns once the node reaches the API server's address
   * (the neighbour entry that failed while unplugged is forgotten), so that a program started next
   * does not exit on "no route to host".
   */
  public void plug(LabNode node) {
    network.cable(node.index(), true);
    List<String> arping =
        List.of(node.exec("arping", "-c", "1", "-w", "1", "-I", node.iface(), subnet.gateway()));
    Await.until(
        node.name() + " to reach " + subnet.gateway() + " again",
        Duration.ofSeconds(30),
        () -> Cmd.run(arping, Duration.ofSeconds(5)).exit() == 0);
    Cmd.run("ip", "-n", node.netns(), "neigh", "flush", "dev", node.iface());
  }

  /** Kills and restarts a process with the same command, env and log; close() stops it. */
  public LabProcess restart(LabProcess process) {
    return launcher.track(process.restart());
  }

  public List<LabProcess> processes() {
    return launcher.processes();
  }

  /** How a program running as ServiceAccount {@code account} reaches the API. */
  private Map<String, String> kubeEnv(String account) {
    return Map.of(
        "KUBECONFIG",
        api.kubeconfigFor(account).toString(),
        "HERALDLB_NAMESPACE",
        LabApi.HERALDLB_NAMESPACE,
        "HERALDLB_LOG_FORMAT",
        "text");
  }

  /** Stops every process, the API server, removes every namespace and link. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (kubeProxy != null) {
        kubeProxy.stop();
      }
      if (workloads != null) {
        workloads.stop();
      }
      launcher.stopAll();
      if (api != null) {
        api.close();
      }
    } finally {
      Network.destroyRun(run);
      LabRegistry.release(run);
      removeShutdownHook();
    }
  }

  private void removeShutdownHook() {
    if (Thread.currentThread() == shutdownHook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting: the hook runs close(), which is idempotent
    }
  }

  /** Removes namespaces and links named {@code prefix-*} whose owning process is gone. */
  public static Set<String> cleanupLeftovers(String prefix) {
    return LabRegistry.cleanupLeftovers(prefix);
  }
}
