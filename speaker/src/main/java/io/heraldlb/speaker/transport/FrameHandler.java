package io.heraldlb.speaker.transport;

/** Receives each captured frame, on the capture thread that read it. */
@FunctionalInterface
public interface FrameHandler {
  /**
   * @param frame valid only during the call
   */
  void onFrame(byte[] frame, int length, Port from);
}
