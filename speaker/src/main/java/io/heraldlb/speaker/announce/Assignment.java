package io.heraldlb.speaker.announce;

import io.heraldlb.config.IpAddress;
import java.util.List;

/**
 * An address this node announces, and where.
 *
 * @param services {@code ns/name} of the Services using it, for logs and metrics
 * @param interfaces where to answer and send gratuitous frames; never empty
 */
public record Assignment(IpAddress ip, String services, List<String> interfaces) {
  public Assignment {
    interfaces = List.copyOf(interfaces);
    if (interfaces.isEmpty()) {
      throw new IllegalArgumentException("an assignment of " + ip + " needs an interface");
    }
  }
}
