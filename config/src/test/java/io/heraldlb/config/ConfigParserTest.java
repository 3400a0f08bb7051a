package io.heraldlb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigParserTest {

  static final String FULL_EXAMPLE =
      """
      pools {
        default { addresses = ["192.168.1.240-192.168.1.250", "10.0.10.0/28"] }
        dmz {
          addresses = ["203.0.113.8/29", "2001:db8:1::/120"]
          auto-assign = false
          avoid-buggy-ips = true
          namespaces = [web, shop]
          service-selector { tier = edge }
          priority = 10
          node-selector { "kubernetes.io/os" = linux }
          interfaces = [eth0]
        }
      }
      """;

  static PoolConfig valid(Map<String, String> data) {
    ParseResult r = ConfigParser.parse(data);
    if (r instanceof ParseResult.Invalid invalid) {
      throw new AssertionError("expected valid, got " + invalid.errors());
    }
    return ((ParseResult.Valid) r).config();
  }

  static List<String> errors(Map<String, String> data) {
    ParseResult r = ConfigParser.parse(data);
    return assertInstanceOf(ParseResult.Invalid.class, r).errors().stream()
        .map(ConfigError::toString)
        .toList();
  }

  static List<String> hoconErrors(String text) {
    return errors(Map.of("pools.conf", text));
  }

  @Test
  void readsEveryFieldOfTheNativeFormat() {
    PoolConfig config = valid(Map.of("pools.conf", FULL_EXAMPLE));
    assertEquals("pools.conf", config.source());
    Pool dmz = config.pool("dmz").orElseThrow();
    assertEquals(
        List.of(IpRange.parse("203.0.113.8/29"), IpRange.parse("2001:db8:1::/120")),
        dmz.addresses());
    assertFalse(dmz.autoAssign());
    assertTrue(dmz.avoidBuggyIps());
    assertEquals(Set.of("web", "shop"), dmz.namespaces());
    assertEquals(
        LabelSelectors.of(new LabelSelector(Map.of("tier", "edge"))), dmz.serviceSelector());
    assertEquals(
        List.of(
            new Advertisement(
                LabelSelectors.of(new LabelSelector(Map.of("kubernetes.io/os", "linux"))),
                List.of("eth0"))),
        dmz.advertisements());
    assertEquals(10, dmz.priority());
    Pool dflt = config.pool("default").orElseThrow();
    assertTrue(dflt.autoAssign());
    assertFalse(dflt.avoidBuggyIps());
    assertTrue(dflt.namespaces().isEmpty());
    assertEquals(0, dflt.priority());
    assertEquals(BigInteger.valueOf(27), dflt.size(Family.IPV4));
  }

  @Test
  void readsSelectorsWithExpressionsAsKubernetesWritesThem() {
    PoolConfig c =
        valid(
            Map.of(
                "pools.conf",
                """
                pools {
                  shop {
                    addresses = ["10.0.0.0/28"]
                    service-selector {
                      match-labels { app = shop }
                      match-expressions = [
                        { key = tier, operator = In, values = [web, api] }
                        { key = canary, operator = DoesNotExist }
                      ]
                    }
                    node-selector {
                      match-expressions = [{ key = "node-role.kubernetes.io/edge", operator = Exists }]
                    }
                  }
                }
                """));
    Pool p = c.pools().get(0);
    assertEquals("app=shop,tier in (api,web),!canary", p.serviceSelector().toString());
    assertTrue(p.serviceSelector().matchesAny(Map.of("app", "shop", "tier", "web")));
    assertFalse(
        p.serviceSelector().matchesAny(Map.of("app", "shop", "tier", "web", "canary", "1")));
    assertTrue(p.announcedFrom(Map.of("node-role.kubernetes.io/edge", "")));
    assertFalse(p.announcedFrom(Map.of()));
  }

  @Test
  void aNamespaceSelectorAddsNamespacesByTheirLabels() {
    PoolConfig c =
        valid(
            Map.of(
                "pools.conf",
                """
                pools {
                  team {
                    addresses = ["10.0.0.0/28"]
                    namespaces = [ops]
                    namespace-selector { match-labels { team = shop } }
                  }
                  open { addresses = ["10.0.1.0/28"] }
                }
                """));
    Pool team = c.pools().stream().filter(p -> p.name().equals("team")).findFirst().orElseThrow();
    assertTrue(team.allows("ops", Map.of(), Map.of()), "listed");
    assertTrue(team.allows("web", Map.of("team", "shop"), Map.of()), "selected by label");
    assertFalse(team.allows("web", Map.of("team", "blog"), Map.of()));
    Pool open = c.pools().stream().filter(p -> p.name().equals("open")).findFirst().orElseThrow();
    assertTrue(open.allows("anything", Map.of(), Map.of()));
  }

  @Test
  void ordersPoolsByPriorityThenName() {
    PoolConfig config =
        valid(
            Map.of(
                "pools.conf",
                """
                pools {
                  zeta { addresses = ["10.0.0.1"], priority = 1 }
                  beta { addresses = ["10.0.0.2"], priority = 5 }
                  alpha { addresses = ["10.0.0.3"], priority = 5 }
                  omega { addresses = ["10.0.0.4"] }
                }
                """));
    assertEquals(
        List.of("omega", "zeta", "alpha", "beta"),
        config.pools().stream().map(Pool::name).toList());
  }

  @Test
  void readsTheLegacyMetallbFormatIntoTheSameModel() {
    PoolConfig config =
        valid(
            Map.of(
                "config",
                """
                address-pools:
                - name: my-ip-space
                  protocol: layer2
                  addresses: [192.168.1.240/28, 192.168.0.150-192.168.0.200]
                  avoid-buggy-ips: true
                  auto-assign: false
                - name: default
                  protocol: layer2
                  addresses:
                  - 10.64.140.43-10.64.140.49
                """));
    assertEquals("config", config.source());
    Pool p = config.pool("my-ip-space").orElseThrow();
    assertEquals(
        List.of(IpRange.parse("192.168.0.150-192.168.0.200"), IpRange.parse("192.168.1.240/28")),
        p.addresses());
    assertTrue(p.avoidBuggyIps());
    assertFalse(p.autoAssign());
    assertTrue(config.pool("default").orElseThrow().autoAssign());
  }

  @Test
  void prefersTheNativeKeyWhenBothAreSetAndSaysSo() {
    PoolConfig config =
        valid(
            Map.of(
                "pools.conf", "pools { a { addresses = [\"10.0.0.1\"] } }",
                "config", "address-pools: [{name: b, protocol: layer2, addresses: [10.0.0.2]}]"));
    assertEquals("pools.conf", config.source());
    assertEquals(List.of("a"), config.pools().stream().map(Pool::name).toList());
    assertEquals(1, config.notes().size());
    assertTrue(config.notes().get(0).contains("ignoring 'config'"));
  }

  @Test
  void acceptsAnExplicitlyEmptyPoolList() {
    assertTrue(valid(Map.of("pools.conf", "pools {}")).pools().isEmpty());
  }

  static Stream<Arguments> badNativeConfigs() {
    return Stream.of(
        Arguments.of(
            "a reversed range",
            "pools { dmz { addresses = [\"10.0.0.1\", \"10.0.0.9-10.0.0.1\"] } }",
            "pools.dmz.addresses[1]: 10.0.0.9-10.0.0.1: range start is after its end"),
        Arguments.of(
            "an unparseable address",
            "pools { a { addresses = [\"10.0.0.300\"] } }",
            "pools.a.addresses[0]: 10.0.0.300: not an IPv4 address"),
        Arguments.of(
            "a range mixing families",
            "pools { a { addresses = [\"10.0.0.1-2001:db8::1\"] } }",
            "pools.a.addresses[0]: 10.0.0.1-2001:db8::1: range mixes IPv4 and IPv6"),
        Arguments.of(
            "an overlap inside one pool",
            "pools { a { addresses = [\"10.0.0.0/24\", \"10.0.0.128/25\"] } }",
            "pools.a.addresses[1]: 10.0.0.128-10.0.0.255 overlaps 10.0.0.0-10.0.0.255 at"
                + " pools.a.addresses[0]"),
        Arguments.of(
            "an overlap across pools",
            "pools { a { addresses = [\"2001:db8::/64\"] }, b { addresses = [\"2001:db8::5\"] } }",
            "pools.b.addresses[0]: 2001:db8::5 overlaps 2001:db8::-2001:db8::ffff:ffff:ffff:ffff"
                + " at pools.a.addresses[0]"),
        Arguments.of(
            "a loopback range",
            "pools { a { addresses = [\"127.0.0.0/8\"] } }",
            "pools.a.addresses[0]: 127.0.0.0-127.255.255.255 includes loopback addresses"),
        Arguments.of(
            "a range reaching into multicast",
            "pools { a { addresses = [\"10.0.0.1\", \"223.255.255.250-224.0.0.5\"] } }",
            "pools.a.addresses[1]: 223.255.255.250-224.0.0.5 includes multicast addresses"),
        Arguments.of(
            "an IPv4 link-local address",
            "pools { a { addresses = [\"169.254.1.1\"] } }",
            "pools.a.addresses[0]: 169.254.1.1 includes link-local addresses"),
        Arguments.of(
            "the unspecified address",
            "pools { a { addresses = [\"0.0.0.0\"] } }",
            "pools.a.addresses[0]: 0.0.0.0 includes the unspecified network"),
        Arguments.of(
            "the broadcast address",
            "pools { a { addresses = [\"255.255.255.0/24\"] } }",
            "includes the broadcast address 255.255.255.255"),
        Arguments.of(
            "an IPv6 multicast range",
            "pools { a { addresses = [\"ff02::1\"] } }",
            "pools.a.addresses[0]: ff02::1 includes multicast addresses (ff00::/8)"),
        Arguments.of(
            "an IPv6 link-local range",
            "pools { a { addresses = [\"fe80::/64\"] } }",
            "includes link-local addresses (fe80::/10)"),
        Arguments.of(
            "the IPv6 loopback address",
            "pools { a { addresses = [\"::1\"] } }",
            "pools.a.addresses[0]: ::1 includes the loopback address ::1"),
        Arguments.of(
            "an empty pool",
            "pools { a { addresses = [] } }",
            "pools.a.addresses: the pool has no addresses"),
        Arguments.of(
            "a pool without addresses",
            "pools { a { priority = 1 } }",
            "pools.a.addresses: the pool has no addresses"),
        Arguments.of(
            "an unknown pool key",
            "pools { a { addresses = [\"10.0.0.1\"], autoassign = false } }",
            "pools.a.autoassign: unknown key"),
        Arguments.of(
            "an unknown top-level key",
            "pools { a { addresses = [\"10.0.0.1\"] } }, pool { }",
            "pool: unknown key (the top level holds only 'pools')"),
        Arguments.of(
            "a bad selector label key",
            "pools { a { addresses = [\"10.0.0.1\"], service-selector { \"-bad\" = x } } }",
            "pools.a.service-selector.-bad: bad selector: '-bad' is not a valid label key"),
        Arguments.of(
            "a bad selector label value",
            "pools { a { addresses = [\"10.0.0.1\"], node-selector { zone = \"a b\" } } }",
            "pools.a.node-selector.zone: bad selector: 'a b' is not a valid label value"),
        Arguments.of(
            "an unquoted dotted label key",
            "pools { a { addresses = [\"10.0.0.1\"], node-selector { kubernetes.io/os = linux } } }",
            "label keys containing '.' must be quoted"),
        Arguments.of(
            "a selector that is not an object",
            "pools { a { addresses = [\"10.0.0.1\"], service-selector = edge } }",
            "pools.a.service-selector: must be an object of label = value"),
        Arguments.of(
            "an unknown selector operator",
            "pools { a { addresses = [\"10.0.0.1\"], service-selector { match-expressions = [{ key"
                + " = t, operator = Within, values = [x] }] } } }",
            "pools.a.service-selector.match-expressions[0].operator: must be one of In, NotIn,"
                + " Exists, DoesNotExist, not 'Within'"),
        Arguments.of(
            "In without values",
            "pools { a { addresses = [\"10.0.0.1\"], node-selector { match-expressions = [{ key ="
                + " t, operator = In }] } } }",
            "pools.a.node-selector.match-expressions[0]: bad selector: operator In needs at least"
                + " one value"),
        Arguments.of(
            "a selector key spelled as in Kubernetes YAML",
            "pools { a { addresses = [\"10.0.0.1\"], service-selector { matchLabels { a = b } } }"
                + " }",
            "pools.a.service-selector.matchLabels: pools.conf spells it match-labels"),
        Arguments.of(
            "expressions that are not a list",
            "pools { a { addresses = [\"10.0.0.1\"], service-selector { match-expressions = x } }"
                + " }",
            "pools.a.service-selector.match-expressions: must be a list of { key, operator, values"),
        Arguments.of(
            "an unknown expression key",
            "pools { a { addresses = [\"10.0.0.1\"], service-selector { match-expressions = [{ key"
                + " = t, operator = Exists, value = x }] } } }",
            "pools.a.service-selector.match-expressions[0].value: unknown key"),
        Arguments.of(
            "a negative priority",
            "pools { a { addresses = [\"10.0.0.1\"], priority = -1 } }",
            "pools.a.priority: must be a whole number from 0 to 1000000, not -1"),
        Arguments.of(
            "an absurd priority",
            "pools { a { addresses = [\"10.0.0.1\"], priority = 99999999999 } }",
            "pools.a.priority: must be a whole number"),
        Arguments.of(
            "a fractional priority",
            "pools { a { addresses = [\"10.0.0.1\"], priority = 1.5 } }",
            "pools.a.priority: must be a whole number"),
        Arguments.of(
            "a non-boolean flag",
            "pools { a { addresses = [\"10.0.0.1\"], auto-assign = maybe } }",
            "pools.a.auto-assign: must be true or false, not \"maybe\""),
        Arguments.of(
            "addresses that are not a list",
            "pools { a { addresses = \"10.0.0.1\" } }",
            "pools.a.addresses: must be a list of strings"),
        Arguments.of(
            "a bad namespace",
            "pools { a { addresses = [\"10.0.0.1\"], namespaces = [\"Web\"] } }",
            "pools.a.namespaces[0]: 'Web' is not a valid name"),
        Arguments.of(
            "a bad interface name",
            "pools { a { addresses = [\"10.0.0.1\"], interfaces = [\"eth0/1\"] } }",
            "pools.a.interfaces[0]: 'eth0/1' is not a valid interface name"),
        Arguments.of(
            "a bad pool name",
            "pools { \"Not_Ok\" { addresses = [\"10.0.0.1\"] } }",
            "pools.Not_Ok: bad pool name"),
        Arguments.of(
            "pools that are not an object", "pools = [1, 2]", "pools: must be an object of pools"),
        Arguments.of("no pools key", "other = 1", "pools: missing"),
        Arguments.of("a syntax error", "pools { a { addresses = [ }", "pools.conf: "),
        Arguments.of(
            "an include of a file",
            "include file(\"/etc/passwd\")\npools {}",
            "'include' is not allowed in pools.conf"),
        Arguments.of(
            "an include of a URL",
            "include url(\"http://127.0.0.1:1/x\")\npools {}",
            "'include' is not allowed in pools.conf"),
        Arguments.of("a substitution that resolves nowhere", "pools { a = ${b} }", "pools.conf: "));
  }

  @ParameterizedTest(name = "refuses {0}")
  @MethodSource("badNativeConfigs")
  void refusesBadNativeConfigNamingTheField(String what, String text, String expected) {
    List<String> errors = hoconErrors(text);
    assertTrue(
        errors.stream().anyMatch(e -> e.startsWith(expected) || e.contains(expected)),
        () -> "expected an error like '" + expected + "' but got " + errors);
  }

  @Test
  void doesNotReadTheEnvironmentThroughSubstitutions() {
    // ${?HOME} would be the process's home directory if substitutions could see the environment.
    List<String> errors = hoconErrors("pools { a { addresses = [${?PATH}] } }");
    assertEquals(List.of("pools.a.addresses: the pool has no addresses"), errors);
  }

  @Test
  void reportsAllErrorsAtOnce() {
    List<String> errors =
        hoconErrors(
            """
            pools {
              a { addresses = ["10.0.0.9-10.0.0.1", "bogus"], priority = -3, colour = red }
              b { addresses = [] }
            }
            """);
    assertEquals(5, errors.size(), errors::toString);
  }

  @Test
  void refusesDuplicatePoolNamesInTheLegacyFormat() {
    List<String> errors =
        errors(
            Map.of(
                "config",
                """
                address-pools:
                - {name: a, protocol: layer2, addresses: [10.0.0.1]}
                - {name: a, protocol: layer2, addresses: [10.0.0.2]}
                """));
    assertEquals(
        List.of("address-pools[a]: duplicate pool name 'a' (also at address-pools[a])"), errors);
  }

  static Stream<Arguments> badLegacyConfigs() {
    return Stream.of(
        Arguments.of(
            "a bgp pool",
            "address-pools: [{name: x, protocol: bgp, addresses: [10.0.0.0/24]}]",
            "address-pools[x].protocol: bgp: BGP is not supported by HeraldLB"),
        Arguments.of(
            "bgp peers",
            "peers: [{peer-address: 10.0.0.1, peer-asn: 64501, my-asn: 64500}]\naddress-pools: []",
            "peers: BGP is not supported by HeraldLB"),
        Arguments.of(
            "a loopback address",
            "address-pools: [{name: x, protocol: layer2, addresses: [127.0.0.1]}]",
            "address-pools[x].addresses[0]: 127.0.0.1 includes loopback addresses (127.0.0.0/8)"),
        Arguments.of(
            "a missing protocol",
            "address-pools: [{name: x, addresses: [10.0.0.0/24]}]",
            "address-pools[x].protocol: missing: use layer2"),
        Arguments.of(
            "a missing name",
            "address-pools: [{protocol: layer2, addresses: [10.0.0.0/24]}]",
            "address-pools[0].name: missing or not a string"),
        Arguments.of(
            "a reversed range",
            "address-pools: [{name: x, protocol: layer2, addresses: [10.0.0.9-10.0.0.1]}]",
            "address-pools[x].addresses[0]: 10.0.0.9-10.0.0.1: range start is after its end"),
        Arguments.of(
            "an unknown key",
            "address-pools: [{name: x, protocol: layer2, addresses: [10.0.0.1], colour: red}]",
            "address-pools[x].colour: unknown key"),
        Arguments.of(
            "a non-boolean flag",
            "address-pools: [{name: x, protocol: layer2, addresses: [10.0.0.1], auto-assign: sometimes}]",
            "address-pools[x].auto-assign: must be true or false"),
        Arguments.of("not YAML", "address-pools: [unclosed", "config: not valid YAML"),
        Arguments.of("a scalar document", "just text", "config: must be a YAML mapping"),
        Arguments.of(
            "a duplicate key", "address-pools: []\naddress-pools: []", "config: not valid YAML"),
        Arguments.of(
            "an alias bomb",
            "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                + "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
            "config: not valid YAML"));
  }

  @ParameterizedTest(name = "refuses {0}")
  @MethodSource("badLegacyConfigs")
  void refusesBadLegacyConfigNamingTheField(String what, String text, String expected) {
    List<String> errors = errors(Map.of("config", text));
    assertTrue(
        errors.stream().anyMatch(e -> e.startsWith(expected)),
        () -> "expected an error like '" + expected + "' but got " + errors);
  }

  @Test
  void refusesAConfigMapWithNeitherKey() {
    assertEquals(
        List.of(
            "no pool configuration: the ConfigMap has neither a 'pools.conf' nor a 'config' key"),
        errors(Map.of("other", "x")));
  }

  @Test
  void parsesASlash8AndAnIpv6Slash64InConstantTimeAndMemory() {
    // A parser that materialised ranges would allocate 16M / 2^64 entries here and never finish.
    String text = "pools { big { addresses = [\"10.0.0.0/8\", \"2001:db8::/64\"] } }";
    valid(Map.of("pools.conf", text)); // warm-up
    long start = System.nanoTime();
    PoolConfig config = valid(Map.of("pools.conf", text));
    long micros = (System.nanoTime() - start) / 1000;
    Pool big = config.pool("big").orElseThrow();
    assertEquals(BigInteger.ONE.shiftLeft(24), big.size(Family.IPV4));
    assertEquals(BigInteger.ONE.shiftLeft(64), big.size(Family.IPV6));
    // Generous bound: it is about whether work is proportional to the range, not a benchmark.
    assertTrue(micros < 1_000_000, "parsing took " + micros + " µs");
  }
}
