package io.heraldlb.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.heraldlb.allocator.ipam.FamilyPolicy;
import io.heraldlb.allocator.ipam.Port;
import io.heraldlb.allocator.ipam.ServiceRequest;
import io.heraldlb.config.Family;
import io.heraldlb.config.IpAddress;
import io.heraldlb.kube.LoadBalancerServices;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceFactsTest {

  private static ServiceBuilder lb() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace("web")
        .withName("shop")
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .endSpec();
  }

  @ParameterizedTest(name = "type {0}, class ''{1}'', handled class ''{2}'' -> {3}")
  @CsvSource({
    "LoadBalancer, '', '', true",
    "LoadBalancer, example.com/other, '', false",
    "LoadBalancer, example.com/mine, example.com/mine, true",
    "LoadBalancer, '', example.com/mine, false",
    "NodePort, '', '', false",
    "ClusterIP, '', '', false",
  })
  void handlesOnlyLoadBalancersOfTheConfiguredClass(
      String type, String cls, String handled, boolean expected) {
    Service s =
        lb().editSpec()
            .withType(type)
            .withLoadBalancerClass(cls.isEmpty() ? null : cls)
            .endSpec()
            .build();
    assertEquals(expected, LoadBalancerServices.handles(s, handled));
  }

  @Test
  void readsEveryAnnotationAndItsMetallbAliases() throws Exception {
    ServiceRequest r =
        ServiceFacts.toRequest(
            lb().editMetadata()
                .addToAnnotations("metallb.universe.tf/loadBalancerIPs", "10.0.0.5, 2001:db8::5")
                .addToAnnotations("metallb.io/address-pool", "dmz")
                .addToAnnotations("heraldlb.io/allow-shared-ip", "k")
                .addToLabels("tier", "edge")
                .endMetadata()
                .editSpec()
                .withIpFamilies("IPv4", "IPv6")
                .withIpFamilyPolicy("RequireDualStack")
                .withExternalTrafficPolicy("Local")
                .withSelector(Map.of("b", "2", "a", "1"))
                .addNewPort()
                .withProtocol("UDP")
                .withPort(53)
                .endPort()
                .endSpec()
                .build(),
            Map.of());
    assertEquals(
        List.of(IpAddress.parse("10.0.0.5"), IpAddress.parse("2001:db8::5")), r.requestedIps());
    assertEquals("dmz", r.requestedPool());
    assertEquals("k", r.sharingKey());
    assertEquals(Map.of("tier", "edge"), r.labels());
    assertEquals(List.of(Family.IPV4, Family.IPV6), r.families());
    assertEquals(FamilyPolicy.REQUIRE_DUAL_STACK, r.policy());
    assertTrue(r.localTraffic());
    assertEquals("a=1,b=2", r.backendKey());
    assertEquals(List.of(new Port("UDP", 53)), r.ports());
  }

  @Test
  void refusesAnOverlongRequestedIpListBeforeParsingIt() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      many.append(i == 0 ? "" : ",").append("10.").append(i / 65536).append('.');
      many.append(i / 256 % 256).append('.').append(i % 256);
    }
    ServiceFacts.InvalidService refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            ServiceFacts.InvalidService.class,
            () ->
                ServiceFacts.requestedIps(
                    Map.of("heraldlb.io/loadBalancerIPs", many.toString()), null));
    assertEquals(
        "annotation heraldlb.io/loadBalancerIPs: "
            + many.length()
            + " characters is more than the 256 that one IP per family can take",
        refused.getMessage());
  }

  @Test
  void atRestartAMalformedAnnotationDropsOnlyItselfAndKeepsTheSharingKey() {
    Service s =
        lb().editMetadata()
            .addToAnnotations("heraldlb.io/allow-shared-ip", "front")
            .addToAnnotations("heraldlb.io/address-pool", "dmz")
            .addToAnnotations("heraldlb.io/loadBalancerIPs", "10.0.0.x")
            .endMetadata()
            .build();
    ServiceRequest r = ServiceFacts.toLenientRequest(s, Map.of());
    assertEquals("front", r.sharingKey());
    assertEquals("dmz", r.requestedPool());
    assertEquals(List.of(), r.requestedIps());
    Service badKey =
        lb().editMetadata()
            .addToAnnotations("heraldlb.io/allow-shared-ip", "k".repeat(300))
            .endMetadata()
            .build();
    assertEquals("k".repeat(300), ServiceFacts.toLenientRequest(badKey, Map.of()).sharingKey());
  }

  @Test
  void prefersTheHeraldlbAnnotationOverItsAliases() {
    Map<String, String> a =
        Map.of("heraldlb.io/address-pool", "ours", "metallb.io/address-pool", "theirs");
    assertEquals("ours", ServiceFacts.annotation(a, "address-pool"));
    assertNull(ServiceFacts.annotation(Map.of(), "address-pool"));
  }

  @Test
  void readsTheRequestsOfKubeVipAndCiliumUsers() throws Exception {
    assertEquals(
        List.of(IpAddress.parse("10.0.0.7"), IpAddress.parse("10.0.0.8")),
        ServiceFacts.requestedIps(
            Map.of("kube-vip.io/loadbalancerIPs", "10.0.0.7,10.0.0.8"), null));
    assertEquals(
        List.of(IpAddress.parse("10.0.0.9")),
        ServiceFacts.requestedIps(Map.of("lbipam.cilium.io/ips", "10.0.0.9"), null));
    assertEquals("web", ServiceFacts.sharingKey(Map.of("lbipam.cilium.io/sharing-key", "web")));
    ServiceFacts.InvalidService e =
        assertThrows(
            ServiceFacts.InvalidService.class,
            () -> ServiceFacts.requestedIps(Map.of("lbipam.cilium.io/ips", "10.0.0.300"), null));
    assertTrue(e.getMessage().contains("lbipam.cilium.io/ips"), e.getMessage());
  }

  @Test
  void acceptsTheDeprecatedLoadBalancerIpAlone() throws Exception {
    assertEquals(
        List.of(IpAddress.parse("10.0.0.7")), ServiceFacts.requestedIps(Map.of(), "10.0.0.7"));
    assertEquals(
        List.of(IpAddress.parse("10.0.0.7")),
        ServiceFacts.requestedIps(Map.of("heraldlb.io/loadBalancerIPs", "10.0.0.7"), "10.0.0.7"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "heraldlb.io/loadBalancerIPs|10.0.0.x||annotation heraldlb.io/loadBalancerIPs: '10.0.0.x' is not an IP address",
        "heraldlb.io/loadBalancerIPs|10.0.0.1,10.0.0.1||annotation heraldlb.io/loadBalancerIPs: 10.0.0.1 is listed twice",
        "heraldlb.io/loadBalancerIPs|10.0.0.1|10.0.0.2|spec.loadBalancerIP 10.0.0.2 contradicts annotation heraldlb.io/loadBalancerIPs; set only the annotation",
        "metallb.io/loadBalancerIPs|10.0.0.1,|10.0.0.2|annotation metallb.io/loadBalancerIPs: '' is not an IP address",
        "x|y|banana|spec.loadBalancerIP: 'banana' is not an IP address",
      })
  void refusesMalformedRequestsNamingTheField(
      String annotation, String value, String spec, String message) {
    Map<String, String> annotations = Map.of(annotation, value);
    ServiceFacts.InvalidService e =
        assertThrows(
            ServiceFacts.InvalidService.class, () -> ServiceFacts.requestedIps(annotations, spec));
    assertEquals(message, e.getMessage());
  }

  @Test
  void refusesABadPoolNameAndAnEmptySharingKey() {
    assertEquals(
        "annotation metallb.universe.tf/address-pool: 'Bad Pool' is not a valid name (lower-case letters, digits, '-' and '.', at most 253)",
        assertThrows(
                ServiceFacts.InvalidService.class,
                () ->
                    ServiceFacts.requestedPool(
                        Map.of("metallb.universe.tf/address-pool", "Bad Pool")))
            .getMessage());
    assertThrows(
        ServiceFacts.InvalidService.class,
        () -> ServiceFacts.sharingKey(Map.of("heraldlb.io/allow-shared-ip", " ")));
  }

  @Test
  void keepsStatusIpsEvenWhenAnnotationsAreMalformed() {
    Service s =
        lb().editMetadata()
            .addToAnnotations("heraldlb.io/loadBalancerIPs", "nonsense")
            .endMetadata()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("10.0.0.9")
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();
    ServiceRequest lenient = ServiceFacts.toLenientRequest(s, Map.of());
    assertEquals(List.of(IpAddress.parse("10.0.0.9")), lenient.currentIps());
    assertTrue(lenient.requestedIps().isEmpty());
    assertFalse(lenient.localTraffic());
  }
}
