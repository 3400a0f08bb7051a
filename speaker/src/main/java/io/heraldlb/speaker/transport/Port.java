package io.heraldlb.speaker.transport;

import io.heraldlb.speaker.responder.Link;

/** One open interface: frames captured on it go to a handler, frames sent go out of it. */
public interface Port extends AutoCloseable {

  Link link();

  /** Sends the first {@code length} bytes of {@code frame}; false (and logged) if it failed. */
  boolean send(byte[] frame, int length);

  /** Null while capturing normally; otherwise what broke. */
  String problem();

  /** Stops capturing and releases the handle; never throws. */
  @Override
  void close();
}
