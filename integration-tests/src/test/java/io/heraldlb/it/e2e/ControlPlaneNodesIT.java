package io.heraldlb.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.LabTest;
import io.heraldlb.it.lab.SpeakerGroup;
import io.heraldlb.speaker.election.NodeFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A cluster whose nodes are all control-plane nodes, labelled as kubeadm and Talos label them
 * ({@code node.kubernetes.io/exclude-from-external-load-balancers}): nobody announces, and says
 * why, until the speakers run with {@code HERALDLB_IGNORE_EXCLUDE_LB=true}.
 */
@LabTest(nodes = 2)
class ControlPlaneNodesIT {

  @Test
  void labelledControlPlaneNodesAnnounceOnlyWhenTheSpeakersAreToldToIgnoreTheLabel(Lab lab) {
    Cluster cluster = new Cluster(lab);
    Traffic traffic = new Traffic(lab);
    for (LabNode node : lab.nodes()) {
      cluster
          .kube()
          .nodes()
          .withName(node.name())
          .edit(
              n ->
                  new NodeBuilder(n)
                      .editMetadata()
                      .addToLabels(NodeFacts.EXCLUDE_LABEL, "")
                      .addToLabels("node-role.kubernetes.io/control-plane", "")
                      .endMetadata()
                      .build());
    }
    cluster.createNamespace("cp");
    cluster.applyPools("pools { default { addresses = [\"192.168.1.240-192.168.1.250\"] } }");
    List<LabProcess> speakers = new ArrayList<>(lab.startSpeakers());
    LabProcess allocator = lab.startAllocator();
    lab.serveServices();
    SpeakerGroup.awaitConverged(lab.nodes(), speakers);

    cluster.create(Cluster.loadBalancer("cp", "web", 80).build());
    String ip = Cluster.ip(cluster.awaitIp("cp", "web"));
    traffic.awaitNoAnnouncer(ip);
    Event why = cluster.awaitEvent("cp", "web", "AnnounceFailed");
    assertTrue(why.getMessage().contains("excluded by label"), why.getMessage());

    for (int i = 0; i < speakers.size(); i++) {
      speakers.get(i).kill();
      speakers.set(
          i, lab.startSpeaker(lab.nodes().get(i), Map.of("HERALDLB_IGNORE_EXCLUDE_LB", "true")));
    }
    SpeakerGroup.awaitConverged(lab.nodes(), speakers);
    LabNode announcer = traffic.announcer(ip);
    assertEquals(announcer.name(), traffic.curl(ip, 80));
    assertTrue(allocator.isAlive(), "the allocator is still running");
  }
}
