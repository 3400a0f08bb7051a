package io.heraldlb.speaker.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.Test;

class JGroupsStackTest {
  static final MembershipSettings SETTINGS =
      new MembershipSettings(
          "node-a",
          InetAddress.getLoopbackAddress(),
          7946,
          Duration.ofMillis(250),
          Duration.ofSeconds(1),
          Duration.ofMillis(200),
          new TestKeys().load("good"));

  final List<Protocol> stack =
      JGroupsStack.build(
          SETTINGS,
          List.of(new InetSocketAddress("10.0.0.2", 7946)),
          new NodeToken((node, from) -> null, () -> null, (node, why) -> {}));

  @Test
  void groupConnectionsAreTlsWithTheGroupsKey() {
    TCP tcp = (TCP) stack.get(0);
    assertTrue(
        tcp.getSocketFactory() instanceof GroupSockets,
        "the transport's sockets are the group's TLS sockets: " + tcp.getSocketFactory());
  }

  @Test
  void isTcpOnlyOnTheMembershipPortWithPeersFromTheApi() throws Exception {
    TCP tcp = (TCP) stack.get(0);
    assertEquals(7946, tcp.getBindPort());
    assertEquals(0, tcp.getPortRange());
    TCPPING ping = (TCPPING) stack.get(1);
    assertEquals(1, ping.getInitialHosts().size());
    assertTrue(ping.getInitialHosts().iterator().next().toString().contains("10.0.0.2"));
    List<String> names = stack.stream().map(p -> p.getClass().getSimpleName()).toList();
    assertEquals(
        List.of(
            "TCP",
            "TCPPING",
            "MERGE3",
            "FD_SOCK2",
            "FD_ALL3",
            "VERIFY_SUSPECT2",
            "NAKACK2",
            "UNICAST3",
            "STABLE",
            "AUTH",
            "GMS"),
        names);
    assertTrue(
        names.stream().noneMatch(n -> n.contains("UDP") || n.equals("PING") || n.equals("MPING")));
  }

  @Test
  void failureDetectionUsesTheConfiguredTimings() {
    FD_ALL3 fd = (FD_ALL3) stack.get(4);
    assertEquals(250, fd.getInterval());
    assertEquals(1000, fd.getTimeout());
    assertEquals(200, ((VERIFY_SUSPECT2) stack.get(5)).getTimeout());
    assertEquals(
        MembershipSettings.FAILURE_DETECTION_OFFSET, ((FD_SOCK2) stack.get(3)).getOffset());
  }
}
