package io.heraldlb.speaker.transport;

import io.heraldlb.config.IpAddress;
import java.util.Set;

/** Which multicast groups this node belongs to for the addresses it announces on an interface. */
public interface GroupMembership extends AutoCloseable {
  /** Belongs to nothing: for tests, which must not send MLD reports on the machine's network. */
  GroupMembership NONE =
      new GroupMembership() {
        @Override
        public void follow(String iface, Set<IpAddress> addresses) {}

        @Override
        public void forget(String iface) {}

        @Override
        public void close() {}
      };

  /** Makes the memberships on {@code iface} those that {@code addresses} need. */
  void follow(String iface, Set<IpAddress> addresses);

  /** Leaves every group on {@code iface}. */
  void forget(String iface);

  @Override
  void close();
}
