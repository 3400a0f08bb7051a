package io.heraldlb.speaker.responder;

import io.heraldlb.config.IpAddress;

/** What to do with a captured frame: send a reply, or drop it for a counted reason. */
public sealed interface Verdict {

  /**
   * Send the first {@code length} bytes of {@code frame}, which is the caller's buffer: it is
   * overwritten by the next decision made with the same buffer.
   *
   * @param ip the announced address the reply is about
   */
  record Reply(byte[] frame, int length, IpAddress ip) implements Verdict {}

  /**
   * @param detail a short explanation for debug logs
   */
  record Drop(DropReason reason, String detail) implements Verdict {}
}
