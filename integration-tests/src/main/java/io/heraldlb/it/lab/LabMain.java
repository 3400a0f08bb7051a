package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.Service;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The lab's command line ({@code integration-tests/lab.sh} is a thin wrapper around it).
 *
 * <pre>
 *   demo [--nodes N] [--kube=real]          build the lab, run HeraldLB, show a Service and a
 *                                           failover, tear down
 *   up [--nodes N] [--bare] [--kube=real]   build the lab and keep it (until SIGTERM/Ctrl-C or
 *                                           `down`)
 *   down                      stop labs `up` left running and remove leftovers of dead runs
 *   list                      show the labs on this machine
 * </pre>
 */
public final class LabMain {
  static final String USAGE =
      """
      usage: lab.sh demo [--nodes N] [--kube=K]          build the lab, run HeraldLB on it,
                                                         show a Service, kill the announcing
                                                         speaker, measure the failover
             lab.sh up [--nodes N] [--bare] [--kube=K]   build the lab and keep it running
                                                         (--bare: no HeraldLB processes, no
                                                         examples)
             lab.sh down                                 remove labs that `up` left running, and
                                                         leftovers
             lab.sh list                                 show the labs on this machine
      --kube=embedded (default): an API server inside the lab's JVM, kube-proxy emulated; starts in
      seconds. --kube=real: etcd, kube-apiserver, kube-controller-manager and kube-proxy on every
      node, built from their Go modules (integration-tests/kube/build.sh; the first build takes
      minutes).
      """;

  private final PrintStream out;

  LabMain(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = new LabMain(System.out).run(List.of(args));
    } catch (LabException e) {
      System.err.println("lab: " + e.getMessage());
      code = 1;
    }
    System.exit(code);
  }

  int run(List<String> args) {
    if (args.isEmpty()) {
      System.err.print(USAGE);
      return 2;
    }
    List<String> rest = new ArrayList<>(args.subList(1, args.size()));
    int nodes = intOption(rest, "--nodes", 3);
    boolean bare = rest.remove("--bare");
    LabApi.Kind kube = kubeOption(rest);
    if (!rest.isEmpty()) {
      System.err.print("unknown arguments " + rest + "\n" + USAGE);
      return 2;
    }
    switch (args.get(0)) {
      case "demo" -> demo(nodes, kube);
      case "up" -> up(nodes, bare, kube);
      case "down" -> down();
      case "list" -> LabRegistry.owners().forEach(o -> out.println(o));
      case "help", "--help", "-h" -> out.print(USAGE);
      default -> {
        System.err.print(USAGE);
        return 2;
      }
    }
    return 0;
  }

  private void demo(int nodes, LabApi.Kind kube) {
    Programs.allocatorJar();
    Programs.speakerJar();
    long start = System.nanoTime();
    try (Lab lab = Lab.builder().nodes(nodes).kube(kube).start()) {
      out.printf("lab %s up in %d ms: %s%n", lab.run(), millisSince(start), describe(lab));
      Demo demo = new Demo(lab, out);
      Service web = demo.deployExamples();
      String ip = ServiceTable.ingressIps(web).get(0);
      int port = web.getSpec().getPorts().get(0).getPort();
      demo.awaitSpeakerGroup();
      LabNode announcer = demo.showWhoAnswers(ip, port);
      demo.failover(ip, port, announcer);
      start = System.nanoTime();
    }
    out.printf("lab torn down in %d ms%n", millisSince(start));
  }

  private void up(int nodes, boolean bare, LabApi.Kind kube) {
    if (!bare) {
      Programs.allocatorJar();
      Programs.speakerJar();
    }
    long start = System.nanoTime();
    Lab lab = Lab.builder().nodes(nodes).kube(kube).mode(LabRegistry.Mode.CLI).start();
    out.printf("lab %s up in %d ms: %s%n", lab.run(), millisSince(start), describe(lab));
    String ip = "EXTERNAL-IP";
    if (!bare) {
      try {
        Demo demo = new Demo(lab, out);
        Service web = demo.deployExamples();
        ip = ServiceTable.ingressIps(web).get(0);
        demo.awaitSpeakerGroup();
      } catch (RuntimeException e) {
        lab.close();
        throw e;
      }
    }
    String client = lab.client().netns();
    // Each on a line of its own, so a script can take them: the admin kubeconfig, and (real
    // control plane) the kubectl that matches the API server, and the client's namespace.
    out.println("export KUBECONFIG=" + lab.kubeconfig());
    if (lab.kind() == LabApi.Kind.REAL) {
      out.println("export PATH=" + lab.controlPlane().binaries() + ":$PATH");
    }
    out.println("client namespace: " + client);
    out.printf(
        """
        The lab is up. From this machine (as root), after the exports above:
          kubectl version
          kubectl get svc
          kubectl describe svc web
          kubectl apply --validate=false -f deploy/examples/
          ip netns exec %s curl -s http://%s/
          ip netns exec %s arping -c 3 -I eth0 %s
          ip netns exec %s ip neigh
        Nodes: %s
        Logs: %s
        Stop it with: sudo ./integration-tests/lab.sh down   (or Ctrl-C here)
        lab ready
        """,
        client, ip, client, ip, client, nodesLine(lab), lab.logDir());
    out.flush();
    awaitShutdown();
  }

  private void down() {
    Set<String> removed = LabRegistry.stopCliLabs(Lab.DEFAULT_PREFIX, Duration.ofSeconds(30));
    out.println(removed.isEmpty() ? "no lab to remove" : "removed " + String.join(", ", removed));
  }

  /** Blocks until the JVM is asked to exit; the lab's shutdown hook then removes the lab. */
  private static void awaitShutdown() {
    CountDownLatch forever = new CountDownLatch(1);
    try {
      forever.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(Lab lab) {
    return String.format(
        "LAN %s, API server %s, client %s (%s)",
        lab.subnet().cidr(), lab.api().url(), lab.client().netns(), lab.client().ip());
  }

  private static String nodesLine(Lab lab) {
    return String.join(
        ", ",
        lab.nodes().stream()
            .map(n -> n.name() + " " + n.ip() + " " + n.mac() + " (netns " + n.netns() + ")")
            .toList());
  }

  /** {@code --kube=real}, {@code --kube real}, or the default: the embedded API server. */
  private static LabApi.Kind kubeOption(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith("--kube=")) {
        args.remove(i);
        return parseKube(arg.substring("--kube=".length()));
      }
      if (arg.equals("--kube")) {
        if (i + 1 >= args.size()) {
          throw new LabException("--kube needs a value: real or embedded");
        }
        String value = args.remove(i + 1);
        args.remove(i);
        return parseKube(value);
      }
    }
    return LabApi.Kind.EMBEDDED;
  }

  private static LabApi.Kind parseKube(String value) {
    try {
      return LabApi.Kind.parse(value);
    } catch (IllegalArgumentException e) {
      throw new LabException(e.getMessage());
    }
  }

  private static int intOption(List<String> args, String name, int fallback) {
    int at = args.indexOf(name);
    if (at < 0) {
      return fallback;
    }
    if (at + 1 >= args.size()) {
      throw new LabException(name + " needs a value");
    }
    String value = args.remove(at + 1);
    args.remove(at);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new LabException(name + " must be a number, was " + value);
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
