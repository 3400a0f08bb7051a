package io.heraldlb.it.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's {@code kubectl} against the lab's API server: {@code get svc} shows the EXTERNAL-IP
 * column and {@code describe svc} shows the Service's own Events.
 */
class KubectlTablesTest {
  @TempDir Path dir;

  @Test
  void kubectlGetSvcShowsTheExternalIpColumn() throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is not installed: nothing to check against");
    try (ApiServer api = ApiServer.start("127.0.0.1", dir.resolve("kubeconfig"))) {
      io.fabric8.kubernetes.api.model.Service web =
          api.client()
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
                      .addNewPort()
                      .withPort(80)
                      .withNodePort(30080)
                      .withProtocol("TCP")
                      .endPort()
                      .endSpec()
                      .withNewStatus()
                      .withNewLoadBalancer()
                      .addNewIngress()
                      .withIp("192.168.1.240")
                      .endIngress()
                      .endLoadBalancer()
                      .endStatus()
                      .build())
              .create();
      api.client()
          .v1()
          .events()
          .inNamespace("default")
          .resource(
              new io.fabric8.kubernetes.api.model.EventBuilder()
                  .withNewMetadata()
                  .withName("web.1")
                  .withNamespace("default")
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withKind("Service")
                  .withName("web")
                  .withNamespace("default")
                  .withUid(web.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType("Normal")
                  .withReason("IPAllocated")
                  .withFirstTimestamp(java.time.Instant.now().toString())
                  .withLastTimestamp(java.time.Instant.now().toString())
                  .withCount(1)
                  .withMessage("Assigned IP 192.168.1.240 from pool default")
                  .build())
          .create();
      api.client()
          .v1()
          .events()
          .inNamespace("default")
          .resource(
              new io.fabric8.kubernetes.api.model.EventBuilder()
                  .withNewMetadata()
                  .withName("other.1")
                  .withNamespace("default")
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withKind("Service")
                  .withName("other")
                  .withNamespace("default")
                  .endInvolvedObject()
                  .withType("Normal")
                  .withReason("Unrelated")
                  .withMessage("not about web")
                  .build())
          .create();
      String described = kubectl(api, "describe", "svc", "web");
      assertTrue(
          described.contains("IPAllocated")
              && described.contains("Assigned IP 192.168.1.240 from pool default"),
          described);
      assertTrue(!described.contains("Unrelated"), described);
      String out = kubectl(api, "get", "svc");
      List<String> lines = out.lines().toList();
      assertEquals(
          List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"),
          List.of(lines.get(0).split("\\s+")),
          out);
      assertTrue(
          lines
              .get(1)
              .matches(
                  "web\\s+LoadBalancer\\s+10\\.152\\.183\\.10\\s+192\\.168\\.1\\.240\\s+80:30080/TCP\\s+\\d+s"),
          out);
    }
  }

  private static String kubectl(ApiServer api, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig", api.kubeconfig().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "kubectl did not finish");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
