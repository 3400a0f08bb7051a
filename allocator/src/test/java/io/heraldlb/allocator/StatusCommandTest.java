package io.heraldlb.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.heraldlb.config.Family;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
  private static GenericKubernetesResource object(String name, Map<String, Object> status) {
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .build();
    r.setAdditionalProperty("status", status);
    return r;
  }

  private static Service lb(String ns, String name, String pool, String... ips) {
    ServiceBuilder b =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .addToAnnotations(StatusCommand.POOL_ANNOTATION, pool)
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .endSpec()
            .withNewStatus()
            .withNewLoadBalancer()
            .endLoadBalancer()
            .endStatus();
    for (String ip : ips) {
      b.editStatus()
          .editLoadBalancer()
          .addNewIngress()
          .withIp(ip)
          .endIngress()
          .endLoadBalancer()
          .endStatus();
    }
    return b.build();
  }

  @Test
  void printsEachPoolAndEachAddressWithItsAnnouncer() {
    String out =
        StatusCommand.format(
            List.of(
                object(
                    "lan",
                    Map.of(
                        "families", "IPv4",
                        "addresses", "11",
                        "inUse", "2",
                        "free", "9"))),
            List.of(
                object(
                    "ip-192-168-1-240",
                    Map.of(
                        "ip", "192.168.1.240",
                        "node", "node2",
                        "interfaces", List.of("eth0"),
                        "since", "2026-12-03T10:00:00Z"))),
            List.of(
                lb("shop", "web", "lan", "192.168.1.240"),
                lb("shop", "db", "lan", "192.168.1.241"),
                lb("shop", "queue", "lan"),
                new ServiceBuilder()
                    .withNewMetadata()
                    .withNamespace("shop")
                    .withName("internal")
                    .endMetadata()
                    .withNewSpec()
                    .withType("ClusterIP")
                    .endSpec()
                    .build()),
            "");
    assertEquals(
        """
        POOL   FAMILIES   ADDRESSES   IN USE   FREE
        lan    IPv4       11          2        9

        SERVICE      IP              POOL   ANNOUNCED BY   INTERFACES   SINCE
        shop/db      192.168.1.241   lan    <nobody>
        shop/queue   <pending>       lan
        shop/web     192.168.1.240   lan    node2          eth0         2026-12-03T10:00:00Z
        """,
        out);
  }

  @Test
  void aPoolsFamiliesAreSummedExactly() {
    Map<String, PoolUsageWriter.Usage> usage =
        PoolUsageWriter.usage(
            List.of(
                new AllocatorMetrics.PoolFigures("lan", Family.IPV4, 11, BigInteger.valueOf(11), 2),
                new AllocatorMetrics.PoolFigures(
                    "lan", Family.IPV6, 1.8446744073709552E19, BigInteger.TWO.pow(64), 1)));
    PoolUsageWriter.Usage lan = usage.get("lan");
    assertEquals(List.of("IPv4", "IPv6"), lan.families());
    assertEquals(new BigInteger("18446744073709551627"), lan.addresses());
    assertEquals(new BigInteger("18446744073709551624"), lan.free());
  }
}
