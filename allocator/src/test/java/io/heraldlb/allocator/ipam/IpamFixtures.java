package io.heraldlb.allocator.ipam;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.heraldlb.config.ConfigParser;
import io.heraldlb.config.IpAddress;
import io.heraldlb.config.ParseResult;
import io.heraldlb.config.PoolConfig;
import java.util.List;
import java.util.Map;

final class IpamFixtures {
  private IpamFixtures() {}

  static PoolConfig pools(String hocon) {
    ParseResult r = ConfigParser.parse(Map.of("pools.conf", hocon));
    return assertInstanceOf(ParseResult.Valid.class, r, r::toString).config();
  }

  static Ipam ipam(String hocon) {
    return new Ipam(pools(hocon));
  }

  static IpAddress ip(String text) {
    return IpAddress.parse(text);
  }

  static List<String> assigned(AllocationResult result) {
    return assertInstanceOf(AllocationResult.Assigned.class, result, result::toString)
        .assignment()
        .ips()
        .stream()
        .map(IpAddress::toString)
        .toList();
  }

  static String reason(AllocationResult result) {
    return assertInstanceOf(AllocationResult.Failed.class, result, result::toString).reason();
  }

  static ServiceRequest svc(String name) {
    return ServiceRequest.simple("default", name);
  }
}
