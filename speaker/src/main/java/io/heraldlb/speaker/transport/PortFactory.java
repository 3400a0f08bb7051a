package io.heraldlb.speaker.transport;

import java.io.IOException;
import java.util.function.Supplier;

/** Opens a capture on an interface; packet sockets in production, a fake in tests. */
@FunctionalInterface
public interface PortFactory {
  /**
   * @param handlers one new handler for each capture thread the port runs, so handlers need not be
   *     thread-safe
   */
  Port open(NetInterface nif, Supplier<FrameHandler> handlers) throws IOException;
}
