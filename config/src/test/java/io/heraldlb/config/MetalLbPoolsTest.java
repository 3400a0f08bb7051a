package io.heraldlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MetalLB's IPAddressPool and L2Advertisement objects, read with MetalLB's meaning. */
class MetalLbPoolsTest {

  /**
   * Written as MetalLB's documentation shows them: pools with and without serviceAllocation, a
   * priority, namespace and Service selectors with expressions, one advertisement per node group,
   * one with interfaces.
   */
  static final String MANIFEST =
      """
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: cheap, namespace: metallb-system}
      spec:
        addresses: [192.168.10.0/24]
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: premium, namespace: metallb-system, labels: {tier: premium}}
      spec:
        addresses: [192.168.20.1-192.168.20.9, "fc00:f853:ccd:e799::/124"]
        avoidBuggyIPs: true
        serviceAllocation:
          priority: 50
          namespaces: [shop]
          namespaceSelectors:
          - matchLabels: {team: web}
          serviceSelectors:
          - matchExpressions:
            - {key: app, operator: In, values: [web, api]}
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: pinned, namespace: metallb-system}
      spec:
        addresses: [192.168.30.0/28]
        serviceAllocation:
          namespaces: [ops]
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: first, namespace: metallb-system}
      spec:
        addresses: [192.168.40.0/28]
        autoAssign: false
        serviceAllocation: {priority: 10}
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata: {name: edge, namespace: metallb-system}
      spec:
        ipAddressPoolSelectors:
        - matchLabels: {tier: premium}
        nodeSelectors:
        - matchLabels: {zone: edge}
        interfaces: [eth1]
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata: {name: rest, namespace: metallb-system}
      spec:
        ipAddressPools: [cheap, pinned, first]
        nodeSelectors:
        - matchExpressions:
          - {key: node-role.kubernetes.io/control-plane, operator: DoesNotExist}
      """;

  static List<Map<?, ?>> objects(String yaml) {
    List<Map<?, ?>> out = new ArrayList<>();
    for (Object doc : ConfigParser.safeYaml().loadAll(yaml)) {
      out.add((Map<?, ?>) doc);
    }
    return out;
  }

  static PoolConfig valid(String yaml) {
    ParseResult r = ConfigParser.parseMetalLb(objects(yaml), "metallb-system");
    if (r instanceof ParseResult.Invalid invalid) {
      throw new AssertionError("expected valid, got " + invalid.errors());
    }
    return ((ParseResult.Valid) r).config();
  }

  static List<String> errors(String yaml) {
    return assertInstanceOf(
            ParseResult.Invalid.class, ConfigParser.parseMetalLb(objects(yaml), "metallb-system"))
        .errors()
        .stream()
        .map(ConfigError::toString)
        .toList();
  }

  @Test
  void poolsAreTriedInMetalLbsOrder() {
    // Set priorities first (lower first), then serviceAllocation without one, then the rest.
    PoolConfig c = valid(MANIFEST);
    assertEquals(
        List.of("first", "premium", "pinned", "cheap"),
        c.pools().stream().map(Pool::name).toList());
    assertEquals(List.of(10, 50, 51, 52), c.pools().stream().map(Pool::priority).toList());
  }

  @Test
  void serviceAllocationLimitsThePoolToTheServicesItMatches() {
    Pool premium = valid(MANIFEST).pool("premium").orElseThrow();
    Map<String, String> web = Map.of("app", "web");
    assertTrue(premium.allows("shop", Map.of(), web));
    assertTrue(premium.allows("blog", Map.of("team", "web"), web));
    assertFalse(premium.allows("blog", Map.of(), web), "namespace neither listed nor selected");
    assertFalse(premium.allows("shop", Map.of(), Map.of("app", "db")), "Service not selected");
    assertTrue(premium.avoidBuggyIps());
    Pool pinned = valid(MANIFEST).pool("pinned").orElseThrow();
    assertTrue(pinned.allows("ops", Map.of(), Map.of()));
    assertFalse(pinned.allows("shop", Map.of(), Map.of()));
    Pool cheap = valid(MANIFEST).pool("cheap").orElseThrow();
    assertTrue(cheap.allows("anything", Map.of(), Map.of()));
    assertTrue(cheap.crossNamespaceSharing(), "MetalLB shares across namespaces by key");
    assertFalse(valid(MANIFEST).pool("first").orElseThrow().autoAssign());
  }

  @Test
  void eachPoolIsAnnouncedFromTheNodesOfTheAdvertisementsCoveringIt() {
    PoolConfig c = valid(MANIFEST);
    Pool premium = c.pool("premium").orElseThrow();
    assertTrue(premium.announcedFrom(Map.of("zone", "edge")));
    assertFalse(premium.announcedFrom(Map.of("zone", "core")));
    assertEquals(List.of("eth1"), premium.interfacesOn(Map.of("zone", "edge")));
    Pool cheap = c.pool("cheap").orElseThrow();
    assertTrue(cheap.announcedFrom(Map.of()));
    assertFalse(cheap.announcedFrom(Map.of("node-role.kubernetes.io/control-plane", "")));
    assertEquals(List.of(), cheap.interfacesOn(Map.of()), "no interfaces: the node's defaults");
  }

  @Test
  void interfacesOfEveryAdvertisementCoveringANodeAddUpUnlessOneNamesNone() {
    String two =
        """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: a}
        spec: {addresses: [10.1.0.0/28]}
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: one}
        spec: {interfaces: [eth1]}
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: two}
        spec: {interfaces: [eth2], nodeSelectors: [{matchLabels: {nic: two}}]}
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: all}
        spec: {nodeSelectors: [{matchLabels: {nic: any}}]}
        """;
    Pool a = valid(two).pool("a").orElseThrow();
    assertEquals(List.of("eth1"), a.interfacesOn(Map.of()));
    assertEquals(List.of("eth1", "eth2"), a.interfacesOn(Map.of("nic", "two")));
    assertEquals(List.of(), a.interfacesOn(Map.of("nic", "any")));
  }

  @Test
  void aPoolNoAdvertisementCoversIsAssignedFromButNotAnnounced() {
    PoolConfig c =
        valid(
            """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: lonely, namespace: metallb-system}
            spec: {addresses: [10.2.0.0/28]}
            ---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: {name: other, namespace: metallb-system}
            spec: {ipAddressPools: [gone]}
            """);
    Pool lonely = c.pool("lonely").orElseThrow();
    assertFalse(lonely.advertised());
    assertTrue(lonely.autoAssign());
    assertFalse(lonely.announcedFrom(Map.of()));
    assertTrue(
        c.notes().stream().anyMatch(n -> n.contains("lonely") && n.contains("not announced")),
        c.notes().toString());
    assertTrue(
        c.notes().stream().anyMatch(n -> n.contains("other") && n.contains("gone")),
        c.notes().toString());
  }

  @Test
  void bgpObjectsAndObjectsOfOtherNamespacesAreLeftAloneWithOneNote() {
    PoolConfig c =
        valid(
            MANIFEST
                + """
                ---
                apiVersion: metallb.io/v1beta2
                kind: BGPPeer
                metadata: {name: router, namespace: metallb-system}
                spec: {myASN: 64500, peerASN: 64501, peerAddress: 10.0.0.1}
                ---
                apiVersion: metallb.io/v1beta1
                kind: BGPAdvertisement
                metadata: {name: bgp, namespace: metallb-system}
                ---
                apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: stray, namespace: default}
                spec: {addresses: [10.9.0.0/28]}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: metallb-system}
                """);
    assertEquals(4, c.pools().size());
    assertEquals(
        1,
        c.notes().stream().filter(n -> n.contains("BGPPeer router")).count(),
        c.notes().toString());
    assertTrue(c.notes().stream().anyMatch(n -> n.contains("BGPAdvertisement bgp")));
    assertTrue(c.notes().stream().anyMatch(n -> n.contains("IPAddressPool default/stray")));
  }

  @Test
  void anEmptySelectorInAListMatchesEveryNamespaceAsInKubernetes() {
    Pool p =
        valid(
                """
                apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: {name: p}
                spec:
                  addresses: [10.3.0.0/28]
                  serviceAllocation: {namespaces: [a], namespaceSelectors: [{}]}
                """)
            .pool("p")
            .orElseThrow();
    assertTrue(p.allows("b", Map.of(), Map.of()));
  }

  @Test
  void errorsNameTheObjectAndTheField() {
    List<String> errors =
        errors(
            """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: bad}
            spec:
              addresses: [10.4.0.0/33, 10.5.0.0/28]
              autoAsign: true
              serviceAllocation:
                priority: -1
                serviceSelectors:
                - matchExpressions: [{key: app, operator: Like, values: [x]}]
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: overlap}
            spec: {addresses: [10.5.0.8/29]}
            ---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: {name: adv}
            spec:
              interfaces: [eth0, eth0]
              serviceSelectors: [{matchLabels: {app: web}}]
            """);
    String all = String.join("\n", errors);
    assertTrue(all.contains("IPAddressPool/bad spec.addresses[0]: "), all);
    assertTrue(all.contains("IPAddressPool/bad spec.autoAsign: unknown field"), all);
    assertTrue(all.contains("IPAddressPool/bad spec.serviceAllocation.priority: "), all);
    assertTrue(
        all.contains(
            "IPAddressPool/bad spec.serviceAllocation.serviceSelectors[0].matchExpressions[0]"
                + ".operator: must be one of In, NotIn, Exists, DoesNotExist, not Like"),
        all);
    assertTrue(
        all.contains("IPAddressPool/overlap spec.addresses[0]: 10.5.0.8-10.5.0.15 overlaps"), all);
    assertTrue(all.contains("L2Advertisement/adv spec.interfaces[1]: interface 'eth0'"), all);
    assertTrue(all.contains("L2Advertisement/adv spec.serviceSelectors: not supported"), all);
  }

  @Test
  void nothingToReadIsAnError() {
    assertEquals(
        List.of("no IPAddressPool in the namespace metallb-system"),
        errors(
            """
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: {name: adv}
            """));
  }

  @Test
  void whatIsReadIsWrittenBackToTheSamePools() {
    for (String yaml :
        List.of(
            MANIFEST,
            """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: lonely}
            spec:
              addresses: [10.2.0.0/28]
              serviceAllocation: {namespaceSelectors: [{}]}
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: two}
            spec: {addresses: [10.6.0.0/28]}
            ---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: {name: a}
            spec: {ipAddressPools: [two], nodeSelectors: [{}], interfaces: [eth1]}
            ---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: {name: b}
            spec:
              ipAddressPools: [two]
              nodeSelectors: [{matchLabels: {a: b}}, {matchLabels: {c: d}}]
            """)) {
      PoolConfig read = valid(yaml);
      String hocon = PoolWriter.hocon(read);
      PoolConfig back = ConfigParserTest.valid(Map.of(ConfigParser.NATIVE_KEY, hocon));
      assertEquals(read.pools(), back.pools(), hocon);
    }
  }
}
