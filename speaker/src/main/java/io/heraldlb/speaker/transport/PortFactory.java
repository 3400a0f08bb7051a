package io.heraldlb.speaker.transport;

import java.io.IOException;

/** Opens a capture on an interface; pcap in production, a fake in tests. */
@FunctionalInterface
public interface PortFactory {
  Port open(NetInterface nif, FrameHandler handler) throws IOException;
}
