package io.heraldlb.speaker.kube;

import io.heraldlb.config.IpAddress;
import java.util.List;

/**
 * Where the speaker records, for anyone to read later, which addresses it announces (the
 * Announcement objects). Implementations return at once: recording never delays announcing.
 */
public interface AnnouncementSink {
  AnnouncementSink NONE =
      new AnnouncementSink() {
        @Override
        public void announcing(IpAddress ip, List<String> interfaces, List<String> services) {}

        @Override
        public void stopped(IpAddress ip) {}
      };

  /** This node answers for {@code ip} on {@code interfaces}, for {@code services} (ns/name). */
  void announcing(IpAddress ip, List<String> interfaces, List<String> services);

  /** This node no longer answers for {@code ip}. */
  void stopped(IpAddress ip);

  /** A plan was applied (after every recompute, changed or not). */
  default void planned() {}
}
