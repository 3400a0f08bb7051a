package io.heraldlb.allocator.ipam;

import io.heraldlb.config.IpAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What {@link Ipam#assign} decided for one Service. */
public sealed interface AllocationResult {

  /**
   * The Service holds {@code assignment}.
   *
   * @param changed whether its IPs or pool differ from before the call
   * @param dropped IPs it held before and no longer holds (e.g. its pool shrank)
   */
  record Assigned(Assignment assignment, boolean changed, List<IpAddress> dropped)
      implements AllocationResult {}

  /**
   * The request cannot be met.
   *
   * @param reason why, in words for an Event
   * @param kept the assignment the Service keeps meanwhile, or {@code null} if it has none
   */
  record Failed(String reason, @Nullable Assignment kept) implements AllocationResult {}
}
