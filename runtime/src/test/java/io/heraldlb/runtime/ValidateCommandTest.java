package io.heraldlb.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path dir;

  private record Outcome(int code, String out, String err) {}

  private Outcome validate(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ValidateCommand.run(
            List.of(file.toString()),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Every field of the native format, in two pools. */
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

  @Test
  void summarisesEachPoolOfABarePoolsConf() throws IOException {
    Outcome o = validate("pools.conf", FULL_EXAMPLE);
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("pool default: IPv4, 27 addresses"), o.out());
    assertTrue(
        o.out().contains("pool dmz: IPv4+IPv6, 264 addresses (IPv4 8, IPv6 256), auto-assign off"),
        o.out());
  }

  @Test
  void showsTheSelectorsAsTheyWillBeMatched() throws IOException {
    Outcome o =
        validate(
            "pools.conf",
            """
            pools {
              team {
                addresses = ["10.0.0.0/28"]
                namespace-selector { match-labels { team = shop } }
                service-selector {
                  match-expressions = [{ key = tier, operator = NotIn, values = [db] }]
                }
                node-selector { zone = a }
              }
            }
            """);
    assertEquals(0, o.code(), o.err());
    assertTrue(
        o.out()
            .contains(
                "namespaces labelled team=shop, Services labelled tier notin (db), announced from"
                    + " nodes labelled zone=a"),
        o.out());
  }

  @Test
  void acceptsTheMetallbLegacyConfigMapManifest() throws IOException {
    Outcome o =
        validate(
            "legacy.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {namespace: metallb-system, name: config}
            data:
              config: |
                address-pools:
                - name: my-ip-space
                  protocol: layer2
                  addresses: [192.168.1.240/28, 192.168.0.150-192.168.0.200]
                  avoid-buggy-ips: true
                  auto-assign: false
            """);
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("pool my-ip-space: IPv4, 67 addresses, auto-assign off"), o.out());
  }

  @Test
  void readsMetallbsObjectsAsTheProgramsWillUseThem() throws IOException {
    Outcome o = validate("metallb.yaml", MigrateCommandTest.METALLB_OBJECTS);
    assertEquals(0, o.code(), o.err());
    assertTrue(
        o.out()
            .contains(
                "pool first-pool: IPv4+IPv6, 277 addresses (IPv4 261, IPv6 16), namespaces ns-a,"
                    + " Services labelled app=x, announced from nodes labelled"
                    + " kubernetes.io/hostname=NodeA, interfaces eth0, priority 50"),
        o.out());
    assertTrue(
        o.out().contains("pool second-pool: IPv4, 16 addresses, avoids .0/.255, not announced"),
        o.out());
    assertTrue(
        o.out().contains("valid: 2 pool(s) from 'MetalLB's IPAddressPools in metallb-system'"),
        o.out());
    assertTrue(o.err().contains("note: ignored BGPPeer router"), o.err());
  }

  @Test
  void readsTheListKubectlPrints() throws IOException {
    Outcome o =
        validate(
            "list.yaml",
            """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: metallb.io/v1beta1
              kind: IPAddressPool
              metadata: {name: a, namespace: metallb-system}
              spec: {addresses: [10.0.0.0/30], serviceAllocation: {namespaces: [x], priority: 0}}
            - apiVersion: metallb.io/v1beta1
              kind: L2Advertisement
              metadata: {name: all, namespace: metallb-system}
            """);
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("pool a: IPv4, 4 addresses, namespaces x, priority 1"), o.out());
  }

  @Test
  void namesTheMetallbObjectAndFieldThatIsWrong() throws IOException {
    Outcome o =
        validate(
            "bad.yaml",
            """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: a, namespace: metallb-system}
            spec: {addresses: [10.0.0.0/33]}
            """);
    assertEquals(1, o.code());
    assertTrue(
        o.err().contains("IPAddressPool/a spec.addresses[0]: 10.0.0.0/33: prefix length 33"),
        o.err());
  }

  @Test
  void printsEveryErrorOnStderrAndExitsOne() throws IOException {
    Outcome o =
        validate(
            "cm.yaml",
            """
            kind: ConfigMap
            metadata: {name: heraldlb-config}
            data:
              pools.conf: |
                pools { dmz { addresses = ["10.0.0.1", "10.0.0.9-10.0.0.1"], colour = red } }
            """);
    assertEquals(1, o.code());
    assertEquals("", o.out());
    assertTrue(
        o.err().contains("pools.dmz.addresses[1]: 10.0.0.9-10.0.0.1: range start is after its end"),
        o.err());
    assertTrue(o.err().contains("pools.dmz.colour: unknown key"), o.err());
  }

  @Test
  void validatesEveryConfigMapOfAMultiDocumentManifest() throws IOException {
    Outcome o =
        validate(
            "all.yaml",
            """
            kind: Namespace
            metadata: {name: heraldlb-system}
            ---
            kind: ConfigMap
            metadata: {name: good}
            data: {pools.conf: 'pools { a { addresses = ["10.0.0.1"] } }'}
            ---
            kind: ConfigMap
            metadata: {name: bad}
            data: {other: x}
            """);
    assertEquals(1, o.code());
    assertTrue(o.out().contains("ConfigMap good: pool a: IPv4, 1 address"), o.out());
    assertTrue(o.err().contains("ConfigMap bad: no pool configuration"), o.err());
  }

  @Test
  void exitsTwoWhenTheFileCannotBeRead() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ValidateCommand.run(
            List.of(dir.resolve("missing.conf").toString()),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot read"));
  }
}
