package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Secret;
import io.heraldlb.it.lab.Cmd;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabApi;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.SpeakerGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What the kubelet would do with HeraldLB installed on the lab's API server, which has none: the
 * installed DaemonSet and Deployment would never run a pod, and the DaemonSet's controller takes
 * over the pods the lab's speakers stand for. So their workloads are removed (everything else the
 * install made stays) and the lab's processes run in their place, with what the pods would get: the
 * ServiceAccounts' tokens and the speaker group's key from the installed Secret.
 */
final class StandInKubelet {
  private StandInKubelet() {}

  /** Runs the allocator and a speaker per node, as the installed pods; returns them, converged. */
  static List<LabProcess> runInstalledPods(Lab lab, String keySecret) throws IOException {
    for (String workload : List.of("daemonset/heraldlb-speaker", "deployment/heraldlb-allocator")) {
      Cmd.Result deleted =
          lab.kubectl(
              Duration.ofSeconds(60),
              "-n",
              LabApi.HERALDLB_NAMESPACE,
              "delete",
              workload,
              "--cascade=background",
              "--wait=true");
      assertEquals(0, deleted.exit(), deleted.err());
    }
    lab.reseedSpeakerPods();

    // The key the install made, as the kubelet would mount it.
    Secret key =
        lab.kube().secrets().inNamespace(LabApi.HERALDLB_NAMESPACE).withName(keySecret).get();
    Path keyDir = Files.createDirectories(lab.logDir().resolve("installed-" + keySecret));
    for (String file : List.of("tls.crt", "tls.key")) {
      Files.write(keyDir.resolve(file), Base64.getDecoder().decode(key.getData().get(file)));
    }

    List<LabProcess> programs = new ArrayList<>();
    try {
      programs.add(lab.startAllocator());
      List<LabProcess> speakers = new ArrayList<>();
      for (LabNode node : lab.nodes()) {
        speakers.add(
            lab.startSpeaker(node, Map.of("HERALDLB_MEMBERSHIP_KEY_DIR", keyDir.toString())));
      }
      programs.addAll(speakers);
      lab.serveServices();
      SpeakerGroup.awaitConverged(lab.nodes(), speakers);
      return programs;
    } catch (RuntimeException | Error e) {
      stop(lab, programs);
      throw e;
    }
  }

  /** Stops what {@link #runInstalledPods} started, as the kubelet would stop the pods. */
  static void stop(Lab lab, List<LabProcess> programs) {
    for (LabProcess p : programs) {
      lab.terminateWatcher(p);
    }
  }
}
