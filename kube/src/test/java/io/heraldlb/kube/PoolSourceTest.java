package io.heraldlb.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.ParseResult;
import io.heraldlb.config.Pool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which pool configuration is in force when HeraldLB's ConfigMap and MetalLB's objects exist. */
class PoolSourceTest {
  static final Map<String, String> CONFIG_MAP =
      Map.of("pools.conf", "pools { own { addresses = [\"10.0.0.0/28\"] } }");

  static Map<String, Object> pool(String name, String addresses) {
    return Map.of(
        "apiVersion",
        "metallb.io/v1beta1",
        "kind",
        "IPAddressPool",
        "metadata",
        Map.of("name", name, "namespace", "metallb-system"),
        "spec",
        Map.of("addresses", List.of(addresses)));
  }

  static final Map<String, Object> ADVERTISE_ALL =
      Map.of(
          "apiVersion", "metallb.io/v1beta1",
          "kind", "L2Advertisement",
          "metadata", Map.of("name", "all", "namespace", "metallb-system"));

  static PoolSource.Choice choose(PoolSource.Inputs in) {
    return PoolSource.choose(in, "heraldlb-system/heraldlb-config", "metallb-system");
  }

  static List<String> pools(PoolSource.Choice c) {
    return assertInstanceOf(ParseResult.Valid.class, c.result()).config().pools().stream()
        .map(Pool::name)
        .toList();
  }

  @Test
  void metalLbsObjectsAreReadWhenThereIsNoConfigMap() {
    PoolSource.Choice c =
        choose(new PoolSource.Inputs(null, List.of(pool("theirs", "10.1.0.0/28"), ADVERTISE_ALL)));
    assertTrue(c.fromMetalLb());
    assertEquals(List.of("theirs"), pools(c));
    assertEquals("MetalLB's IPAddressPools in metallb-system", c.from());
    assertNull(c.ignored());
  }

  @Test
  void theConfigMapWinsAndSaysWhatItOverrules() {
    PoolSource.Choice c =
        choose(new PoolSource.Inputs(CONFIG_MAP, List.of(pool("theirs", "10.1.0.0/28"))));
    assertFalse(c.fromMetalLb());
    assertEquals(List.of("own"), pools(c));
    assertEquals(
        "MetalLB's 1 IPAddressPool(s) in metallb-system are not read: the ConfigMap"
            + " heraldlb-system/heraldlb-config exists and wins",
        c.ignored());
  }

  @Test
  void advertisementsAloneAreNoConfiguration() {
    PoolSource.Choice c = choose(new PoolSource.Inputs(null, List.of(ADVERTISE_ALL)));
    assertNull(c.result());
    assertNull(choose(PoolSource.Inputs.configMap(null)).result());
  }

  @Test
  void invalidObjectsGiveTheErrorsNotAnEmptyConfiguration() {
    PoolSource.Choice c =
        choose(
            new PoolSource.Inputs(
                null, List.of(pool("a", "10.1.0.0/28"), pool("b", "10.1.0.8/29"))));
    ParseResult.Invalid invalid = assertInstanceOf(ParseResult.Invalid.class, c.result());
    assertTrue(
        invalid.errors().get(0).toString().startsWith("IPAddressPool/b spec.addresses[0]: "),
        invalid.errors().toString());
  }
}
