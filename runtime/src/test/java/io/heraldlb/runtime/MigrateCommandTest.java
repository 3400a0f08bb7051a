package io.heraldlb.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.ConfigParser;
import io.heraldlb.config.ParseResult;
import io.heraldlb.config.Pool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrateCommandTest {
  static final String METALLB_CONFIGMAP =
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {namespace: metallb-system, name: config}
      data:
        config: |
          address-pools:
          - name: production
            protocol: layer2
            addresses: [192.168.1.240/28]
          - name: staging
            protocol: layer2
            addresses: [192.168.0.150-192.168.0.200, "2001:db8::10-2001:db8::20"]
            avoid-buggy-ips: true
            auto-assign: false
      """;

  @TempDir Path dir;

  record Outcome(int code, String out, String err) {}

  private Outcome migrate(Path... files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> args = new ArrayList<>();
    for (Path f : files) {
      args.add(f.toString());
    }
    int code =
        MigrateCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static List<Pool> pools(Map<String, String> data) {
    return ((ParseResult.Valid) ConfigParser.parse(data)).config().pools();
  }

  @Test
  void turnsMetallbsConfigMapIntoANativeOneWithTheSamePools() throws IOException {
    Outcome o = migrate(file("metallb.yaml", METALLB_CONFIGMAP));
    assertEquals(0, o.code(), o.err());
    Map<String, Map<String, String>> written = ValidateCommand.configMaps(o.out());
    assertEquals(List.of("ConfigMap heraldlb-config"), List.copyOf(written.keySet()), o.out());
    Map<String, String> data = written.get("ConfigMap heraldlb-config");
    assertEquals(List.of(ConfigParser.NATIVE_KEY), List.copyOf(data.keySet()));
    Map<String, String> original =
        ValidateCommand.configMaps(METALLB_CONFIGMAP).values().iterator().next();
    assertEquals(pools(original), pools(data));

    Path migrated = file("heraldlb.yaml", o.out());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        ValidateCommand.run(
            List.of(migrated.toString()),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(0, code);
    assertTrue(
        out.toString(StandardCharsets.UTF_8).contains("valid: 2 pool(s) from 'pools.conf'"),
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void joinsSeveralFilesAndRefusesAPoolDefinedTwice() throws IOException {
    Path metallb = file("metallb.yaml", METALLB_CONFIGMAP);
    Path extra =
        file("extra.conf", "pools { lab { addresses = [\"10.9.0.0/28\"], priority = 5 } }");
    Outcome joined = migrate(metallb, extra);
    assertEquals(0, joined.code(), joined.err());
    Map<String, String> data =
        ValidateCommand.configMaps(joined.out()).get("ConfigMap heraldlb-config");
    assertEquals(
        Set.of("production", "staging", "lab"),
        pools(data).stream().map(Pool::name).collect(Collectors.toSet()));

    Path again = file("again.conf", "pools { staging { addresses = [\"10.8.0.0/28\"] } }");
    Outcome twice = migrate(metallb, again);
    assertEquals(1, twice.code());
    assertEquals("", twice.out(), "nothing is printed when anything is wrong");
    assertTrue(twice.err().contains("pool staging is defined in " + metallb + " too"), twice.err());
  }

  @Test
  void refusesPoolsThatOverlapAcrossFiles() throws IOException {
    Outcome o =
        migrate(
            file("a.conf", "pools { a { addresses = [\"10.0.0.0/28\"] } }"),
            file("b.conf", "pools { b { addresses = [\"10.0.0.8/29\"] } }"));
    assertEquals(1, o.code());
    assertTrue(o.err().contains("together: "), o.err());
  }

  /** As MetalLB's documentation writes them, in one manifest with a namespace and a BGP peer. */
  static final String METALLB_OBJECTS =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: metallb-system}
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: first-pool, namespace: metallb-system}
      spec:
        addresses: [192.168.10.0/24, 192.168.9.1-192.168.9.5, "fc00:f853:ccd:e799::/124"]
        serviceAllocation:
          priority: 50
          namespaces: [ns-a]
          serviceSelectors: [{matchLabels: {app: x}}]
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: second-pool, namespace: metallb-system}
      spec:
        addresses: [192.168.11.0/28]
        avoidBuggyIPs: true
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata: {name: example, namespace: metallb-system}
      spec:
        ipAddressPools: [first-pool]
        nodeSelectors: [{matchLabels: {kubernetes.io/hostname: NodeA}}]
        interfaces: [eth0]
      ---
      apiVersion: metallb.io/v1beta2
      kind: BGPPeer
      metadata: {name: router, namespace: metallb-system}
      spec: {myASN: 64500, peerASN: 64501, peerAddress: 10.0.0.1}
      """;

  @Test
  void turnsMetallbsObjectsIntoANativeConfigMapWithTheSamePools() throws IOException {
    Outcome o = migrate(file("metallb-crs.yaml", METALLB_OBJECTS));
    assertEquals(0, o.code(), o.err());
    Map<String, String> data = ValidateCommand.configMaps(o.out()).get("ConfigMap heraldlb-config");
    List<Pool> original =
        ((ParseResult.Valid)
                ValidateCommand.read(file("again.yaml", METALLB_OBJECTS), System.err)
                    .get(ConfigParser.metalLbSource("metallb-system")))
            .config()
            .pools();
    assertEquals(original, pools(data), o.out());
    assertTrue(o.out().contains("# from "), "where it came from is said: " + o.out());
    assertTrue(o.out().contains("BGPPeer router"), "what has no effect is said: " + o.out());
    assertTrue(
        o.out().contains("IPAddressPool second-pool: no L2Advertisement covers it"), o.out());
    assertTrue(
        o.out().contains("advertisements = []"), "second-pool stays unannounced: " + o.out());
  }
}
