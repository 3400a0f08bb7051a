package io.heraldlb.allocator.ipam;

import static io.heraldlb.allocator.ipam.IpamFixtures.pools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.Family;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.Pool;
import io.heraldlb.config.PoolConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of assign, release and configuration changes, checking after every step that no
 * IP is held by two Services that may not share it and that the books balance.
 */
class IpamPropertyTest {
  private static final List<PoolConfig> CONFIGS =
      List.of(
          pools(
              """
              pools {
                a { addresses = ["10.0.0.250-10.0.1.5", "2001:db8::1-2001:db8::8"], avoid-buggy-ips = true }
                b { addresses = ["10.0.2.1-10.0.2.4"], namespaces = [blue] }
                c { addresses = ["10.0.3.1-10.0.3.3"], auto-assign = false }
              }
              """),
          pools(
              """
              pools {
                a { addresses = ["10.0.0.252-10.0.1.2", "2001:db8::1-2001:db8::4"] }
                z { addresses = ["10.0.2.1-10.0.2.6"], priority = 0 }
              }
              """));

  @Test
  void neverGivesOneIpToServicesThatMayNotShareIt() {
    Random random = new Random(1234);
    Ipam ipam = new Ipam(CONFIGS.get(0));
    PoolConfig config = CONFIGS.get(0);
    for (int step = 0; step < 30_000; step++) {
      int op = random.nextInt(20);
      if (op == 0) {
        config = CONFIGS.get(random.nextInt(CONFIGS.size()));
        ipam.setConfig(config);
      } else if (op < 6) {
        ServiceKey k = randomKey(random);
        ipam.release(k);
      } else {
        ServiceRequest rq = randomRequest(random);
        AllocationResult r = ipam.assign(rq);
        if (r instanceof AllocationResult.Assigned a) {
          for (IpAddress ip : a.assignment().ips()) {
            assertNotNull(config.poolOf(ip).orElse(null), "assigned outside every pool: " + ip);
          }
        }
      }
      checkBooks(ipam, config, step);
    }
  }

  private static void checkBooks(Ipam ipam, PoolConfig config, int step) {
    Map<IpAddress, Set<ServiceKey>> byIp = new HashMap<>();
    for (int n = 0; n < 30; n++) {
      for (String ns : List.of("blue", "red")) {
        ServiceKey key = new ServiceKey(ns, "s" + n);
        ipam.assignment(key)
            .ifPresent(
                a ->
                    a.ips().forEach(ip -> byIp.computeIfAbsent(ip, x -> new HashSet<>()).add(key)));
      }
    }
    for (Map.Entry<IpAddress, Set<ServiceKey>> e : byIp.entrySet()) {
      assertEquals(e.getValue(), Set.copyOf(ipam.holdersOf(e.getKey())), "step " + step);
      List<Assignment> holders =
          e.getValue().stream().map(k -> ipam.assignment(k).orElseThrow()).toList();
      for (Assignment x : holders) {
        for (Assignment y : holders) {
          if (x != y) {
            assertTrue(
                x.sharingKey() != null
                    && x.sharingKey().equals(y.sharingKey())
                    && x.ports().stream().noneMatch(y.ports()::contains),
                "step " + step + ": " + x + " and " + y + " share " + e.getKey());
          }
        }
      }
    }
    for (Pool p : config.pools()) {
      for (Family f : Family.values()) {
        long expected =
            byIp.keySet().stream().filter(ip -> ip.family() == f && p.contains(ip)).count();
        assertEquals(
            expected, ipam.inUse(p.name(), f), "step " + step + " pool " + p.name() + " " + f);
      }
    }
  }

  private static ServiceKey randomKey(Random random) {
    return new ServiceKey(random.nextBoolean() ? "blue" : "red", "s" + random.nextInt(30));
  }

  private static ServiceRequest randomRequest(Random random) {
    ServiceKey key = randomKey(random);
    ServiceRequest r = ServiceRequest.simple(key.namespace(), key.name());
    switch (random.nextInt(4)) {
      case 0 -> r = Requests.from(r).withFamilies(FamilyPolicy.SINGLE_STACK, Family.IPV6).build();
      case 1 ->
          r =
              Requests.from(r)
                  .withFamilies(FamilyPolicy.PREFER_DUAL_STACK, Family.IPV4, Family.IPV6)
                  .build();
      case 2 ->
          r =
              Requests.from(r)
                  .withFamilies(FamilyPolicy.REQUIRE_DUAL_STACK, Family.IPV6, Family.IPV4)
                  .build();
      default -> {}
    }
    if (random.nextInt(3) == 0) {
      r =
          Requests.from(r)
              .withSharing("k" + random.nextInt(2), new Port("TCP", 80 + random.nextInt(3)))
              .build();
    }
    if (random.nextInt(6) == 0) {
      r =
          Requests.from(r)
              .withRequestedIps(IpAddress.parse("10.0.0." + (250 + random.nextInt(6))))
              .build();
    }
    if (random.nextInt(8) == 0) {
      r =
          Requests.from(r)
              .withRequestedPool(List.of("a", "b", "c", "z").get(random.nextInt(4)))
              .build();
    }
    return r;
  }
}
