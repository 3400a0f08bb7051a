package io.heraldlb.it.lab;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@code lab.sh demo} and {@code lab.sh up} show: HeraldLB running on the lab, the example
 * Service getting an EXTERNAL-IP, the client reaching it, and (demo) a failover measured.
 */
final class Demo {
  static final Duration EXTERNAL_IP_TIMEOUT = Duration.ofSeconds(60);
  static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(15);
  static final String POOL_ANNOTATION = "heraldlb.io/ip-allocated-from-pool";

  private final Lab lab;
  private final PrintStream out;
  private List<LabProcess> speakers = List.of();
  private LabProcess allocator;

  Demo(Lab lab, PrintStream out) {
    this.lab = lab;
    this.out = out;
  }

  /** Starts the allocator and a speaker per node, serves Services, applies the examples. */
  Service deployExamples() {
    out.printf("starting the allocator and %d speakers%n", lab.nodes().size());
    allocator = lab.startAllocator();
    speakers = lab.startSpeakers();
    lab.serveServices();
    Path examples = Programs.repositoryRoot().resolve("deploy/examples");
    out.printf("applying %s%n", examples);
    for (HasMetadata item : new Manifests(lab.api()).applyDirectory(examples)) {
      out.printf("  %s/%s created%n", item.getKind().toLowerCase(), item.getMetadata().getName());
    }
    Service web = awaitExternalIp("default", "web");
    out.println();
    out.println("$ kubectl get svc");
    out.print(ServiceTable.format(lab.kube().services().inNamespace("default").list().getItems()));
    out.println();
    return web;
  }

  /**
   * Waits until the speakers form one group: speakers started together can sit in separate groups
   * for a while, each announcing every IP, and a failover measured then would be meaningless.
   */
  void awaitSpeakerGroup() {
    out.printf("waiting for the %d speakers to form one group%n", speakers.size());
    Duration took = SpeakerGroup.awaitConverged(lab.nodes(), speakers);
    out.printf(
        "  speaker group %s after %d ms more%n%n",
        lab.nodes().stream().map(LabNode::name).toList(), took.toMillis());
  }

  /** Curls the Service from the client and says which node answered (by the client's ARP). */
  LabNode showWhoAnswers(String ip, int port) {
    String body =
        Await.value(
                "http://" + ip + ":" + port + "/ to answer from the client",
                Duration.ofSeconds(20),
                () -> lab.client().get(ip, port))
            .backendNode();
    String mac =
        lab.client()
            .neighbourMac(ip)
            .orElseThrow(() -> new LabException("the client has no neighbour entry for " + ip));
    LabNode node =
        lab.nodeByMac(mac).orElseThrow(() -> new LabException(mac + " is no node's MAC"));
    out.printf(
        "$ ip netns exec %s curl -s http://%s:%d/%n%s%n", lab.client().netns(), ip, port, body);
    out.printf(
        "  %s is announced by %s (%s); the backend on %s answered%n%n", ip, node.name(), mac, body);
    return node;
  }

  /**
   * SIGKILLs the announcing node's speaker and measures until the client's neighbour entry holds
   * another node's MAC, then until curl is answered by another node.
   */
  void failover(String ip, int port, LabNode announcer) {
    LabProcess victim = speakers.get(announcer.index() - 1);
    out.printf("killing the speaker on %s (SIGKILL, pid %d)%n", announcer.name(), victim.pid());
    long killed = System.nanoTime();
    victim.kill();
    Optional<String> newMac;
    try {
      newMac =
          Optional.of(
              Await.value(
                  "the client's neighbour entry for " + ip + " to change",
                  FAILOVER_TIMEOUT,
                  () -> lab.client().neighbourMac(ip).filter(m -> !m.equals(announcer.mac()))));
    } catch (LabException e) {
      newMac = Optional.empty();
    }
    long moved = System.nanoTime();
    if (newMac.isEmpty()) {
      out.printf(
          "  no failover: after %d s the client still sends %s to %s (speaker logs: %s)%n",
          FAILOVER_TIMEOUT.toSeconds(), ip, announcer.name(), lab.logDir());
      throw new LabException("no failover within " + FAILOVER_TIMEOUT.toSeconds() + " s");
    }
    LabNode successor = lab.nodeByMac(newMac.get()).orElseThrow();
    String body =
        Await.value(
                "curl to enter through " + successor.name(),
                FAILOVER_TIMEOUT,
                () -> lab.client().get(ip, port).filter(a -> !lab.entryNode(a).equals(announcer)))
            .backendNode();
    long answered = System.nanoTime();
    out.printf(
        "  failover: the client's neighbour entry moved to %s (%s) after %d ms%n",
        successor.name(), newMac.get(), (moved - killed) / 1_000_000);
    out.printf(
        "  first answer through the new node after %d ms, from the backend on %s%n",
        (answered - killed) / 1_000_000, body);
    out.printf(
        "%n$ ip netns exec %s curl -s http://%s:%d/%n%s%n",
        lab.client().netns(), ip, port, lab.client().curl(ip, port).orElse("(no answer)"));
    out.printf("  %s now answers for %s%n%n", successor.name(), ip);
  }

  private Service awaitExternalIp(String namespace, String name) {
    out.printf("waiting for service %s/%s to get an EXTERNAL-IP%n", namespace, name);
    return Await.value(
        "an EXTERNAL-IP on service " + namespace + "/" + name,
        EXTERNAL_IP_TIMEOUT,
        () -> {
          requireRunning(allocator);
          speakers.forEach(Demo::requireRunning);
          Service service = lab.kube().services().inNamespace(namespace).withName(name).get();
          // The pool annotation is the allocator's last write: after it the API is quiet.
          return service != null
                  && !ServiceTable.ingressIps(service).isEmpty()
                  && service.getMetadata().getAnnotations() != null
                  && service.getMetadata().getAnnotations().containsKey(POOL_ANNOTATION)
              ? Optional.of(service)
              : Optional.empty();
        });
  }

  private static void requireRunning(LabProcess process) {
    if (!process.isAlive()) {
      throw new LabException(
          process.name()
              + " exited (code "
              + process.awaitExit(Duration.ofSeconds(1))
              + "); last lines of "
              + process.log()
              + ":\n"
              + process.tail(15));
    }
  }
}
