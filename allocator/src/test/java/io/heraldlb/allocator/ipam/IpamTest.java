package io.heraldlb.allocator.ipam;

import static io.heraldlb.allocator.ipam.IpamFixtures.assigned;
import static io.heraldlb.allocator.ipam.IpamFixtures.ip;
import static io.heraldlb.allocator.ipam.IpamFixtures.ipam;
import static io.heraldlb.allocator.ipam.IpamFixtures.pools;
import static io.heraldlb.allocator.ipam.IpamFixtures.reason;
import static io.heraldlb.allocator.ipam.IpamFixtures.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.config.Family;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpamTest {
  static final String TWO_POOLS =
      """
      pools {
        b { addresses = ["10.0.1.0-10.0.1.3"] }
        a { addresses = ["10.0.0.1-10.0.0.3"] }
      }
      """;

  @Test
  void givesTheLowestFreeAddressOfTheFirstPoolByName() {
    Ipam ipam = ipam(TWO_POOLS);
    assertEquals(List.of("10.0.0.1"), assigned(ipam.assign(svc("one"))));
    assertEquals(List.of("10.0.0.2"), assigned(ipam.assign(svc("two"))));
  }

  @Test
  void ordersPoolsByPriorityBeforeName() {
    Ipam ipam =
        ipam(
            """
            pools {
              a { addresses = ["10.0.0.1"], priority = 5 }
              z { addresses = ["10.0.9.1"], priority = 1 }
            }
            """);
    AllocationResult r = ipam.assign(svc("one"));
    assertEquals(List.of("10.0.9.1"), assigned(r));
    assertEquals("z", ((AllocationResult.Assigned) r).assignment().pool());
  }

  @Test
  void movesToTheNextPoolWhenTheFirstIsFull() {
    Ipam ipam = ipam(TWO_POOLS);
    for (int i = 0; i < 3; i++) {
      ipam.assign(svc("s" + i));
    }
    assertEquals(List.of("10.0.1.0"), assigned(ipam.assign(svc("s3"))));
  }

  @Test
  void reportsExhaustionNamingThePools() {
    Ipam ipam = ipam("pools { a { addresses = [\"10.0.0.1\"] } }");
    ipam.assign(svc("one"));
    assertEquals("no free address left in pool a", reason(ipam.assign(svc("two"))));
  }

  @Test
  void reusesAReleasedAddressBeforeHigherOnes() {
    Ipam ipam = ipam(TWO_POOLS);
    ipam.assign(svc("one"));
    ipam.assign(svc("two"));
    ipam.release(svc("one").key());
    assertEquals(List.of("10.0.0.1"), assigned(ipam.assign(svc("three"))));
  }

  @Test
  void skipsDotZeroAndDot255WhenThePoolAvoidsBuggyIps() {
    Ipam ipam =
        ipam(
            "pools { a { addresses = [\"10.0.0.254/31\", \"10.0.1.0/30\"], avoid-buggy-ips = true } }");
    assertEquals(List.of("10.0.0.254"), assigned(ipam.assign(svc("one"))));
    assertEquals(List.of("10.0.1.1"), assigned(ipam.assign(svc("two"))));
  }

  @Test
  void handsOutDotZeroWhenThePoolDoesNotAvoidBuggyIps() {
    Ipam ipam = ipam("pools { a { addresses = [\"10.0.1.0/30\"] } }");
    assertEquals(List.of("10.0.1.0"), assigned(ipam.assign(svc("one"))));
  }

  @Test
  void refusesARequestedDotZeroFromAPoolThatAvoidsThem() {
    Ipam ipam = ipam("pools { a { addresses = [\"10.0.1.0/30\"], avoid-buggy-ips = true } }");
    assertEquals(
        "requested IP 10.0.1.0 ends in .0 or .255, which pool 'a' avoids",
        reason(ipam.assign(Requests.from(svc("one")).withRequestedIps(ip("10.0.1.0")).build())));
  }

  @Test
  void honoursThePoolAnnotation() {
    Ipam ipam = ipam(TWO_POOLS);
    assertEquals(
        List.of("10.0.1.0"),
        assigned(ipam.assign(Requests.from(svc("one")).withRequestedPool("b").build())));
  }

  @Test
  void refusesAPoolThatDoesNotExist() {
    assertEquals(
        "pool 'nope' (address-pool annotation) does not exist",
        reason(
            ipam(TWO_POOLS).assign(Requests.from(svc("one")).withRequestedPool("nope").build())));
  }

  @Test
  void usesAnAutoAssignFalsePoolOnlyWhenAskedFor() {
    Ipam ipam =
        ipam(
            """
            pools {
              reserved { addresses = ["10.0.5.1-10.0.5.9"], auto-assign = false }
            }
            """);
    assertEquals(
        "the pools this Service may use (reserved) have auto-assign = false: request an IP or a"
            + " pool explicitly",
        reason(ipam.assign(svc("plain"))));
    assertEquals(
        List.of("10.0.5.1"),
        assigned(ipam.assign(Requests.from(svc("by-pool")).withRequestedPool("reserved").build())));
    assertEquals(
        List.of("10.0.5.7"),
        assigned(
            ipam.assign(Requests.from(svc("by-ip")).withRequestedIps(ip("10.0.5.7")).build())));
  }

  @Test
  void keepsPoolsLimitedToNamespacesForThoseNamespaces() {
    Ipam ipam =
        ipam(
            """
            pools {
              shop { addresses = ["10.0.7.1-10.0.7.9"], namespaces = [shop] }
            }
            """);
    assertEquals(
        "no pool may be used by Services in namespace 'default' (pool 'shop': it is limited to"
            + " namespaces [shop])",
        reason(ipam.assign(svc("web"))));
    assertEquals(List.of("10.0.7.1"), assigned(ipam.assign(ServiceRequest.simple("shop", "cart"))));
  }

  @Test
  void refusesARequestedIpFromAnotherNamespacesPool() {
    Ipam ipam =
        ipam(
            """
            pools {
              shop { addresses = ["10.0.7.1-10.0.7.9"], namespaces = [shop] }
              open { addresses = ["10.0.8.1-10.0.8.9"] }
            }
            """);
    assertEquals(
        "requested IP 10.0.7.5 is in pool 'shop', which this Service may not use: it is limited"
            + " to namespaces [shop]",
        reason(ipam.assign(Requests.from(svc("thief")).withRequestedIps(ip("10.0.7.5")).build())));
    assertEquals(
        "pool 'shop' may not be used by this Service: it is limited to namespaces [shop]",
        reason(ipam.assign(Requests.from(svc("thief")).withRequestedPool("shop").build())));
  }

  @Test
  void matchesServiceSelectorsOnLabels() {
    Ipam ipam =
        ipam(
            """
            pools {
              edge { addresses = ["10.0.9.1-10.0.9.9"], service-selector { tier = edge } }
            }
            """);
    assertEquals(
        "no pool may be used by Services in namespace 'default' with labels {tier=web} (pool"
            + " 'edge': the Service's labels do not match its service-selector tier=edge)",
        reason(ipam.assign(Requests.from(svc("web")).withLabels(Map.of("tier", "web")).build())));
    assertEquals(
        "requested IP 10.0.9.3 is in pool 'edge', which this Service may not use: the Service's"
            + " labels do not match its service-selector tier=edge",
        reason(ipam.assign(Requests.from(svc("web")).withRequestedIps(ip("10.0.9.3")).build())));
    assertEquals(
        List.of("10.0.9.1"),
        assigned(ipam.assign(Requests.from(svc("lb")).withLabels(Map.of("tier", "edge")).build())));
  }

  @Test
  void grantsARequestedIpInAPoolAndRefusesOneInNone() {
    Ipam ipam = ipam(TWO_POOLS);
    assertEquals(
        List.of("10.0.0.3"),
        assigned(ipam.assign(Requests.from(svc("one")).withRequestedIps(ip("10.0.0.3")).build())));
    assertEquals(
        "requested IP 192.0.2.1 is not in any pool",
        reason(ipam.assign(Requests.from(svc("two")).withRequestedIps(ip("192.0.2.1")).build())));
  }

  @Test
  void refusesARequestedIpThatAnotherServiceHolds() {
    Ipam ipam = ipam(TWO_POOLS);
    ipam.assign(svc("owner"));
    assertEquals(
        "requested IP 10.0.0.1 is already used by default/owner",
        reason(ipam.assign(Requests.from(svc("other")).withRequestedIps(ip("10.0.0.1")).build())));
    assertEquals(List.of(svc("owner").key()), ipam.holdersOf(ip("10.0.0.1")));
  }

  @Test
  void refusesARequestedIpOutsideTheRequestedPool() {
    assertEquals(
        "requested IP 10.0.0.2 is in pool 'a', not in the requested pool 'b'",
        reason(
            ipam(TWO_POOLS)
                .assign(
                    Requests.from(svc("one"))
                        .withRequestedIps(ip("10.0.0.2"))
                        .withRequestedPool("b")
                        .build())));
  }

  @Test
  void keepsTheCurrentIpWhenAChangedRequestCannotBeMet() {
    Ipam ipam = ipam(TWO_POOLS);
    ipam.assign(svc("owner"));
    ipam.assign(svc("mine"));
    AllocationResult r =
        ipam.assign(Requests.from(svc("mine")).withRequestedIps(ip("10.0.0.1")).build());
    AllocationResult.Failed failed = assertInstanceOf(AllocationResult.Failed.class, r);
    assertEquals(List.of(ip("10.0.0.2")), failed.kept().ips());
    assertEquals(List.of(svc("mine").key()), ipam.holdersOf(ip("10.0.0.2")));
  }

  @Test
  void movesToARequestedIpWhenItIsFree() {
    Ipam ipam = ipam(TWO_POOLS);
    ipam.assign(svc("mine"));
    AllocationResult.Assigned r =
        assertInstanceOf(
            AllocationResult.Assigned.class,
            ipam.assign(Requests.from(svc("mine")).withRequestedIps(ip("10.0.0.3")).build()));
    assertTrue(r.changed());
    assertEquals(List.of(ip("10.0.0.1")), r.dropped());
    assertTrue(ipam.holdersOf(ip("10.0.0.1")).isEmpty());
  }

  @Test
  void isIdempotentForAnUnchangedService() {
    Ipam ipam = ipam(TWO_POOLS);
    ipam.assign(svc("one"));
    AllocationResult.Assigned again =
        assertInstanceOf(AllocationResult.Assigned.class, ipam.assign(svc("one")));
    assertFalse(again.changed());
    assertEquals(List.of(ip("10.0.0.1")), again.assignment().ips());
  }

  @Test
  void followsTheServicesSingleFamily() {
    Ipam ipam =
        ipam("pools { a { addresses = [\"10.0.0.1-10.0.0.5\", \"2001:db8::1-2001:db8::5\"] } }");
    assertEquals(
        List.of("2001:db8::1"),
        assigned(
            ipam.assign(
                Requests.from(svc("v6"))
                    .withFamilies(FamilyPolicy.SINGLE_STACK, Family.IPV6)
                    .build())));
    assertEquals(
        List.of("10.0.0.1"),
        assigned(
            ipam.assign(
                Requests.from(svc("v4"))
                    .withFamilies(FamilyPolicy.SINGLE_STACK, Family.IPV4)
                    .build())));
  }

  @Test
  void givesOneIpPerFamilyForDualStackInFamilyOrder() {
    Ipam ipam =
        ipam("pools { a { addresses = [\"10.0.0.1-10.0.0.5\", \"2001:db8::1-2001:db8::5\"] } }");
    assertEquals(
        List.of("2001:db8::1", "10.0.0.1"),
        assigned(
            ipam.assign(
                Requests.from(svc("dual"))
                    .withFamilies(FamilyPolicy.REQUIRE_DUAL_STACK, Family.IPV6, Family.IPV4)
                    .build())));
  }

  @Test
  void failsRequireDualStackWhenNoPoolHasBothFamilies() {
    Ipam ipam =
        ipam(
            """
            pools {
              v4 { addresses = ["10.0.0.1-10.0.0.5"] }
              v6 { addresses = ["2001:db8::1-2001:db8::5"] }
            }
            """);
    assertEquals(
        "no pool has both a free IPv4 and a free IPv6 address (RequireDualStack; tried v4, v6)",
        reason(
            ipam.assign(
                Requests.from(svc("dual"))
                    .withFamilies(FamilyPolicy.REQUIRE_DUAL_STACK, Family.IPV4, Family.IPV6)
                    .build())));
  }

  @Test
  void fallsBackToThePrimaryFamilyForPreferDualStack() {
    Ipam ipam = ipam("pools { v4 { addresses = [\"10.0.0.1-10.0.0.5\"] } }");
    assertEquals(
        List.of("10.0.0.1"),
        assigned(
            ipam.assign(
                Requests.from(svc("dual"))
                    .withFamilies(FamilyPolicy.PREFER_DUAL_STACK, Family.IPV4, Family.IPV6)
                    .build())));
  }

  @Test
  void refusesARequestedIpOfAFamilyTheServiceDoesNotHave() {
    Ipam ipam =
        ipam("pools { a { addresses = [\"10.0.0.1-10.0.0.5\", \"2001:db8::1-2001:db8::5\"] } }");
    assertEquals(
        "requested IP 2001:db8::3 is IPv6, but the Service's ipFamilies are IPv4",
        reason(
            ipam.assign(
                Requests.from(svc("v4"))
                    .withFamilies(FamilyPolicy.SINGLE_STACK, Family.IPV4)
                    .withRequestedIps(ip("2001:db8::3"))
                    .build())));
  }

  @Test
  void sharesAnIpBetweenServicesWithTheSameKeyAndDisjointPorts() {
    Ipam ipam = ipam(TWO_POOLS);
    assertEquals(
        List.of("10.0.0.1"),
        assigned(
            ipam.assign(Requests.from(svc("http")).withSharing("k", new Port("TCP", 80)).build())));
    assertEquals(
        List.of("10.0.0.1"),
        assigned(
            ipam.assign(Requests.from(svc("dns")).withSharing("k", new Port("UDP", 53)).build())));
    assertEquals(
        Set.of(svc("http").key(), svc("dns").key()), Set.copyOf(ipam.holdersOf(ip("10.0.0.1"))));
    ipam.release(svc("http").key());
    assertEquals(List.of(svc("dns").key()), ipam.holdersOf(ip("10.0.0.1")));
    assertEquals(1, ipam.inUse("a", Family.IPV4));
  }

  @Test
  void doesNotShareWhenPortsOverlap() {
    Ipam ipam = ipam(TWO_POOLS);
    ipam.assign(Requests.from(svc("one")).withSharing("k", new Port("TCP", 80)).build());
    assertEquals(
        List.of("10.0.0.2"),
        assigned(
            ipam.assign(Requests.from(svc("two")).withSharing("k", new Port("TCP", 80)).build())));
    assertEquals(
        "requested IP 10.0.0.1 is already used by default/one (ports overlap)",
        reason(
            ipam.assign(
                Requests.from(svc("three"))
                    .withSharing("k", new Port("TCP", 80))
                    .withRequestedIps(ip("10.0.0.1"))
                    .build())));
  }

  @Test
  void doesNotShareAcrossKeysOrTrafficPolicies() {
    Ipam ipam = ipam(TWO_POOLS);
    ipam.assign(Requests.from(svc("one")).withSharing("k", new Port("TCP", 80)).build());
    assertEquals(
        List.of("10.0.0.2"),
        assigned(
            ipam.assign(
                Requests.from(svc("two")).withSharing("other", new Port("TCP", 81)).build())));
    assertEquals(
        List.of("10.0.0.3"),
        assigned(
            ipam.assign(
                Requests.from(svc("three"))
                    .withSharing("k", new Port("TCP", 82))
                    .withLocalTraffic("app=x")
                    .build())));
  }

  @Test
  void aServiceOfAnotherNamespaceCannotAttachToAnIpByCopyingItsKey() {
    Ipam ipam = ipam(TWO_POOLS);
    ipam.assign(Requests.from(svc("victim")).withSharing("k", new Port("TCP", 80)).build());
    ServiceRequest tenant =
        Requests.from(ServiceRequest.simple("tenant", "squatter"))
            .withSharing("k", new Port("TCP", 81))
            .build();
    assertEquals(List.of("10.0.0.2"), assigned(ipam.assign(tenant)));
    assertEquals(
        "requested IP 10.0.0.1 is already used by default/victim (in another namespace; pool 'a'"
            + " does not allow sharing across namespaces)",
        reason(
            ipam.assign(
                Requests.from(ServiceRequest.simple("tenant", "bold"))
                    .withSharing("k", new Port("TCP", 82))
                    .withRequestedIps(ip("10.0.0.1"))
                    .build())));
  }

  @Test
  void aPoolThatAllowsItSharesAcrossNamespaces() {
    Ipam ipam =
        ipam(
            "pools { a { addresses = [\"10.0.0.1-10.0.0.5\"], allow-cross-namespace-sharing = true } }");
    ipam.assign(Requests.from(svc("one")).withSharing("k", new Port("TCP", 80)).build());
    assertEquals(
        List.of("10.0.0.1"),
        assigned(
            ipam.assign(
                Requests.from(ServiceRequest.simple("other", "two"))
                    .withSharing("k", new Port("TCP", 81))
                    .build())));
  }

  @Test
  void sharesForLocalTrafficOnlyWithTheSamePodSelector() {
    Ipam ipam = ipam(TWO_POOLS);
    ipam.assign(
        Requests.from(svc("one"))
            .withSharing("k", new Port("TCP", 80))
            .withLocalTraffic("app=x")
            .build());
    assertEquals(
        List.of("10.0.0.1"),
        assigned(
            ipam.assign(
                Requests.from(svc("two"))
                    .withSharing("k", new Port("TCP", 81))
                    .withLocalTraffic("app=x")
                    .build())));
    assertEquals(
        List.of("10.0.0.2"),
        assigned(
            ipam.assign(
                Requests.from(svc("three"))
                    .withSharing("k", new Port("TCP", 82))
                    .withLocalTraffic("app=y")
                    .build())));
  }

  @Test
  void keepsTheIpsInTheStatusOfServicesAcrossARestart() {
    Ipam restarted = ipam(TWO_POOLS);
    // After a restart the Services already carry IPs; seeding them must not renumber anything,
    // even though lower addresses are free.
    assertEquals(
        List.of("10.0.0.3"),
        assigned(restarted.assign(Requests.from(svc("c")).withCurrentIps(ip("10.0.0.3")).build())));
    assertEquals(
        List.of("10.0.1.2"),
        assigned(restarted.assign(Requests.from(svc("d")).withCurrentIps(ip("10.0.1.2")).build())));
    assertEquals(List.of("10.0.0.1"), assigned(restarted.assign(svc("pending"))));
  }

  @Test
  void givesANewIpToTheSecondOfTwoServicesClaimingTheSameIpInTheirStatus() {
    Ipam ipam = ipam(TWO_POOLS);
    ipam.assign(Requests.from(svc("first")).withCurrentIps(ip("10.0.0.2")).build());
    AllocationResult.Assigned second =
        assertInstanceOf(
            AllocationResult.Assigned.class,
            ipam.assign(Requests.from(svc("second")).withCurrentIps(ip("10.0.0.2")).build()));
    assertEquals(List.of(ip("10.0.0.1")), second.assignment().ips());
    assertEquals(List.of(ip("10.0.0.2")), second.dropped());
  }

  @Test
  void movesAServiceWhosePoolShrankAwayFromItsIp() {
    Ipam ipam = ipam("pools { a { addresses = [\"10.0.0.1-10.0.0.5\"] } }");
    ipam.assign(svc("one"));
    ipam.assign(svc("two"));
    Set<ServiceKey> stranded =
        ipam.setConfig(pools("pools { a { addresses = [\"10.0.0.2-10.0.0.5\"] } }"));
    assertEquals(Set.of(svc("one").key()), stranded);
    // Until it is reconciled, the stranded IP stays with its holder and is given to nobody else.
    assertEquals(List.of(svc("one").key()), ipam.holdersOf(ip("10.0.0.1")));
    AllocationResult.Assigned moved =
        assertInstanceOf(AllocationResult.Assigned.class, ipam.assign(svc("one")));
    assertEquals(List.of(ip("10.0.0.3")), moved.assignment().ips());
    assertEquals(List.of(ip("10.0.0.1")), moved.dropped());
    assertTrue(ipam.holdersOf(ip("10.0.0.1")).isEmpty());
    assertFalse(((AllocationResult.Assigned) ipam.assign(svc("two"))).changed());
  }

  @Test
  void releasesAStrandedServiceWhenNoOtherAddressIsLeft() {
    Ipam ipam = ipam("pools { a { addresses = [\"10.0.0.1-10.0.0.2\"] } }");
    ipam.assign(svc("one"));
    ipam.assign(svc("two"));
    ipam.setConfig(pools("pools { a { addresses = [\"10.0.0.2\"] } }"));
    AllocationResult.Failed f =
        assertInstanceOf(AllocationResult.Failed.class, ipam.assign(svc("one")));
    assertEquals(null, f.kept());
    assertTrue(ipam.assignment(svc("one").key()).isEmpty());
  }

  @Test
  void rehomesAnIpWhoseRangeMovedToARenamedPool() {
    Ipam ipam = ipam("pools { old { addresses = [\"10.0.0.1-10.0.0.5\"] } }");
    ipam.assign(svc("one"));
    assertTrue(
        ipam.setConfig(pools("pools { renamed { addresses = [\"10.0.0.1-10.0.0.5\"] } }"))
            .isEmpty());
    AllocationResult.Assigned r =
        assertInstanceOf(AllocationResult.Assigned.class, ipam.assign(svc("one")));
    assertEquals(List.of(ip("10.0.0.1")), r.assignment().ips());
    assertEquals("renamed", r.assignment().pool());
    assertEquals(1, ipam.inUse("renamed", Family.IPV4));
  }

  @Test
  void makesNewPoolsUsableAtOnce() {
    Ipam ipam = ipam("pools { a { addresses = [\"10.0.0.1\"] } }");
    ipam.assign(svc("one"));
    reason(ipam.assign(svc("two")));
    ipam.setConfig(
        pools("pools { a { addresses = [\"10.0.0.1\"] }, b { addresses = [\"10.0.3.1\"] } }"));
    assertEquals(List.of("10.0.3.1"), assigned(ipam.assign(svc("two"))));
  }

  @Test
  void keepsTheSameAssignmentObjectWhenNothingChanged() {
    Ipam ipam = ipam(TWO_POOLS);
    Assignment first = ((AllocationResult.Assigned) ipam.assign(svc("one"))).assignment();
    ipam.assign(svc("one"));
    assertEquals(first, ipam.assignment(svc("one").key()).orElseThrow());
    assertSame(1, ipam.assignmentCount());
  }
}
