package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.heraldlb.it.lab.Await;
import io.heraldlb.it.lab.BuildScript;
import io.heraldlb.it.lab.Cmd;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabApi;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.LabTest;
import io.heraldlb.it.lab.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code helm install} of deploy/helm/heraldlb on the lab's real API server (Helm built from its Go
 * module), then the demo's scenario on what it installed: the programs run as the chart's pods
 * would, under the chart's ServiceAccounts and RBAC, the speakers with the group key the chart
 * generated, the pools from the chart's values; the example web Service gets the pool's first
 * address and the client reaches it through the announcing node.
 */
@LabTest(nodes = 3)
class HelmInstallIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void helmInstallGivesTheDemosResult(Lab lab) throws Exception {
    Path helm = BuildScript.run("integration-tests/helm/build.sh", "helm");
    Path values = lab.logDir().resolve("helm-values.yaml");
    Files.writeString(
        values,
        """
        pools: |
          pools { default { addresses = ["192.168.1.240-192.168.1.250"] } }
        """);
    // The lab installed HeraldLB's ServiceAccounts and RBAC from deploy/ already (its programs'
    // tokens belong to those ServiceAccounts): the chart takes them over, as it would a
    // kubectl-applied install.
    Cmd.Result installed =
        Cmd.run(
            List.of(
                helm.toString(),
                "--kubeconfig",
                lab.kubeconfig().toString(),
                "install",
                "heraldlb",
                Programs.repositoryRoot().resolve("deploy/helm/heraldlb").toString(),
                "-n",
                LabApi.HERALDLB_NAMESPACE,
                "--take-ownership",
                "-f",
                values.toString()),
            Duration.ofSeconds(120));
    assertEquals(0, installed.exit(), installed.out() + installed.err());
    assertTrue(installed.out().contains("STATUS: deployed"), installed.out());

    List<LabProcess> programs = StandInKubelet.runInstalledPods(lab, "heraldlb-membership");
    try {
      Cluster cluster = new Cluster(lab);
      Traffic traffic = new Traffic(lab);
      cluster.manifests().applyFile(Programs.repositoryRoot().resolve("deploy/examples/web.yaml"));
      Service web = cluster.awaitIp("default", "web");
      assertEquals("192.168.1.240", Cluster.ip(web), "the first address of the chart's pool");
      LabNode announcer =
          Await.value(
              "one node to announce 192.168.1.240",
              TIMEOUT,
              () -> {
                try {
                  return Optional.of(traffic.announcer("192.168.1.240"));
                } catch (AssertionError notYet) {
                  return Optional.empty();
                }
              });
      assertEquals(announcer.name(), traffic.curl("192.168.1.240", 80));
      System.out.printf(
          "helm install: web got 192.168.1.240 from the chart's pool; %s announces it and its"
              + " backend answers curl from the client%n",
          announcer.name());
    } finally {
      StandInKubelet.stop(lab, programs);
    }
  }
}
