package io.heraldlb.speaker.transport;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.responder.Link;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** One open interface: frames captured on it go to a handler, frames sent go out of it. */
public interface Port extends AutoCloseable {

  Link link();

  /** Sends the first {@code length} bytes of {@code frame}; false (and logged) if it failed. */
  boolean send(byte[] frame, int length);

  /**
   * Narrows capturing to the frames that concern these addresses (see {@link CaptureFilter}). A
   * port without a kernel filter captures everything and ignores this.
   */
  default void captureFor(Set<IpAddress> addresses) {}

  /** Frames the kernel dropped because this port did not read them fast enough, since it opened. */
  default long kernelDrops() {
    return 0;
  }

  /** Null while capturing normally; otherwise what broke. */
  @Nullable String problem();

  /** Stops capturing and releases the handle; never throws. */
  @Override
  void close();
}
