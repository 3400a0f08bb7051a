package io.heraldlb.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.heraldlb.it.lab.Programs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RBAC of {@code deploy/} is exactly what the programs use. The allocator and the speaker run
 * as real processes (their {@code Main}) against a recording mock API server, each authenticating
 * with a token that stands for its ServiceAccount; every request is mapped to RBAC attributes
 * ({@link ApiCall}) and checked against the rules the manifests bind to that ServiceAccount ({@link
 * Rbac}). Both directions are asserted: every call is granted, and every grant was used by a call
 * (except the few listed in {@link #UNEXERCISED}).
 *
 * <p>The speaker's Kubernetes side runs in full; its packet side does not: it is given one
 * interface name that does not exist ({@code HERALDLB_INTERFACES}), so it opens no capture, needs
 * no root, and reports the address it wins as not announceable (an AnnounceFailed Event, which is
 * the Event-writing path). It is not given {@code HERALDLB_POD_IP}, so it reads its Node for the
 * InternalIP, as it does in a cluster where the variable is unset.
 */
class RbacCoverageTest {
  private static final String NS = "heraldlb-system";
  private static final String ALLOCATOR = NS + "/heraldlb-allocator";
  private static final String SPEAKER = NS + "/heraldlb-speaker";
  private static final String NODE = "node-a";

  /**
   * Grants no run here exercises, each with the reason it is still needed. Keyed by ServiceAccount,
   * verb and resource as in {@link #key}. Keep this short: every entry is a permission the test
   * cannot vouch for.
   */
  private static final Map<String, String> UNEXERCISED = Map.of();

  @Test
  void bothProgramsCallOnlyWhatTheirRolesGrantAndUseEveryGrant(@TempDir Path tmp) throws Exception {
    List<Map<String, Object>> manifests =
        Kustomization.build(Programs.repositoryRoot().resolve("deploy"));
    Rbac rbac = new Rbac(manifests);
    assertEquals(Set.of(ALLOCATOR, SPEAKER), rbac.subjects(), "the bound ServiceAccounts");

    try (RecordingApiServer api = RecordingApiServer.start()) {
      KubernetesClient client = api.client();
      api.apply(manifests);
      seed(client);

      try (ProgramProcess allocator =
          ProgramProcess.start(
              "allocator",
              "io.heraldlb.allocator.Main",
              Map.of(
                  "KUBECONFIG",
                  api.kubeconfig(tmp.resolve("allocator.kubeconfig"), "allocator").toString(),
                  "HERALDLB_HTTP_PORT",
                  String.valueOf(freePort()),
                  "HERALDLB_IDENTITY",
                  "heraldlb-allocator-0"),
              tmp)) {
        await(
            "the allocator writes web's status and pool annotation",
            allocator,
            () -> assigned(client.services().inNamespace("default").withName("web").get()));
        // Leader election renews every retry-period (2 s): wait for one renewal.
        await(
            "the allocator renews its Lease",
            allocator,
            () ->
                api.requests("allocator").stream()
                    .anyMatch(r -> r.call().verb().equals("patch") && isLease(r.call())));

        try (ProgramProcess speaker =
            ProgramProcess.start(
                "speaker",
                "io.heraldlb.speaker.Main",
                Map.of(
                    "KUBECONFIG",
                    api.kubeconfig(tmp.resolve("speaker.kubeconfig"), "speaker").toString(),
                    "HERALDLB_NODE_NAME",
                    NODE,
                    "HERALDLB_INTERFACES",
                    "hlbnone0",
                    "HERALDLB_HTTP_PORT",
                    String.valueOf(freePort()),
                    "HERALDLB_MEMBERSHIP_PORT",
                    String.valueOf(freePortPair())),
                tmp)) {
          await(
              "the speaker writes an Event on web",
              speaker,
              () -> eventFrom(client, "heraldlb-speaker"));
          // A Service that stops being a LoadBalancer: the allocator clears its status.
          client
              .services()
              .inNamespace("default")
              .withName("web")
              .edit(s -> new ServiceBuilder(s).editSpec().withType("ClusterIP").endSpec().build());
          await(
              "the allocator clears web's status",
              allocator,
              () -> !assigned(client.services().inNamespace("default").withName("web").get()));
          assertStoppedCleanly(speaker);
        }
        assertStoppedCleanly(allocator);
      }

      check(rbac, ALLOCATOR, calls(api, "allocator"));
      check(rbac, SPEAKER, calls(api, "speaker"));
    }
  }

  /** The two directions, plus scope: cluster-wide only where needed, names where they can be. */
  private static void check(Rbac rbac, String sa, List<ApiCall> calls) {
    Map<String, Long> summary =
        calls.stream()
            .collect(Collectors.groupingBy(ApiCall::toString, TreeMap::new, Collectors.counting()));
    System.out.println("recorded for " + sa + ":");
    summary.forEach((call, n) -> System.out.printf("  %4d  %s%n", n, call));

    List<String> problems = new ArrayList<>();
    calls.stream()
        .filter(c -> c.group().equals(ApiCall.NON_RESOURCE))
        .distinct()
        .forEach(c -> problems.add("non-resource request, not granted: " + c));
    calls.stream()
        .filter(c -> !c.group().equals(ApiCall.NON_RESOURCE) && !rbac.allows(sa, c))
        .map(ApiCall::toString)
        .distinct()
        .forEach(c -> problems.add("not granted: " + c));
    for (Rbac.Grant g : rbac.grants(sa)) {
      List<ApiCall> uses = calls.stream().filter(g::allows).toList();
      if (uses.isEmpty()) {
        if (!UNEXERCISED.containsKey(key(sa, g))) {
          problems.add("granted but never used: " + g);
        }
        continue;
      }
      if (g.scope() == null && uses.stream().allMatch(c -> NS.equals(c.namespace()))) {
        problems.add("cluster-wide, but only used in " + NS + " (make it a Role): " + g);
      }
      Set<String> names =
          uses.stream().map(c -> String.valueOf(c.name())).collect(Collectors.toSet());
      if (g.resourceNames().isEmpty()
          && !g.verb().equals("create")
          && uses.stream().allMatch(c -> NS.equals(c.namespace()) && c.name() != null)
          && names.size() == 1) {
        problems.add("only ever used on " + names + " (add resourceNames): " + g);
      }
    }
    if (!problems.isEmpty()) {
      fail(sa + ":\n  " + String.join("\n  ", problems));
    }
  }

  private static String key(String sa, Rbac.Grant g) {
    return sa
        + " "
        + g.verb()
        + " "
        + (g.group().isEmpty() ? "core" : g.group())
        + "/"
        + g.resource();
  }

  private static List<ApiCall> calls(RecordingApiServer api, String token) {
    return api.requests(token).stream().map(RecordingApiServer.Request::call).toList();
  }

  private static boolean isLease(ApiCall c) {
    return c.group().equals("coordination.k8s.io") && c.resource().equals("leases");
  }

  private static boolean assigned(Service s) {
    return s != null
        && s.getStatus() != null
        && s.getStatus().getLoadBalancer() != null
        && s.getStatus().getLoadBalancer().getIngress() != null
        && !s.getStatus().getLoadBalancer().getIngress().isEmpty()
        && s.getMetadata().getAnnotations() != null
        && s.getMetadata().getAnnotations().containsKey("heraldlb.io/ip-allocated-from-pool");
  }

  private static boolean eventFrom(KubernetesClient client, String component) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .map(Event::getSource)
        .filter(Objects::nonNull)
        .anyMatch(s -> component.equals(s.getComponent()));
  }

  /**
   * What a cluster has before HeraldLB starts: a node, its speaker pod, a Service with endpoints.
   */
  private static void seed(KubernetesClient client) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build())
        .create();
    Node node =
        new NodeBuilder()
            .withNewMetadata()
            .withName(NODE)
            .addToLabels("kubernetes.io/hostname", NODE)
            .endMetadata()
            .withNewStatus()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress("127.0.0.1")
            .endAddress()
            .endStatus()
            .build();
    client.nodes().resource(node).create();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("heraldlb-speaker-" + NODE)
            .withNamespace(NS)
            .addToLabels("app.kubernetes.io/name", "heraldlb-speaker")
            .endMetadata()
            .withNewSpec()
            .withNodeName(NODE)
            .withHostNetwork(true)
            .addNewContainer()
            .withName("speaker")
            .withImage("heraldlb/speaker")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("127.0.0.1")
            .endStatus()
            .build();
    client.pods().inNamespace(NS).resource(pod).create();
    client
        .services()
        .inNamespace("default")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .withClusterIP("10.152.183.10")
                .withClusterIPs("10.152.183.10")
                .addToSelector("app", "web")
                .addNewPort()
                .withName("http")
                .withPort(80)
                .withProtocol("TCP")
                .withNodePort(30080)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("default")
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName("web-1")
                .withNamespace("default")
                .addToLabels("kubernetes.io/service-name", "web")
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses("10.1.0.5")
                .withNodeName(NODE)
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .withPorts(
                    new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder()
                        .withName("http")
                        .withPort(80)
                        .withProtocol("TCP")
                        .build())
                .build())
        .create();
  }

  private static void await(String what, ProgramProcess program, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (!program.alive()) {
        fail(what + ": the program exited\n" + program.log());
      }
      if (System.nanoTime() > deadline) {
        fail(what + ": not within 60 s\n" + program.log());
      }
      Thread.sleep(100);
    }
    assertTrue(program.alive(), what);
  }

  /** 0, or 143 when the JVM reports the SIGTERM it stopped on. */
  private static void assertStoppedCleanly(ProgramProcess program) throws InterruptedException {
    int code = program.stop();
    assertTrue(code == 0 || code == 143, "exit code " + code + "\n" + program.log());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A port p with p + 100 free too (the speaker group listens on both). */
  private static int freePortPair() throws IOException {
    for (int i = 0; i < 50; i++) {
      int p = freePort();
      if (p + 100 > 65535) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(p + 100, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort() - 100;
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new IOException("no free port pair");
  }
}
