package io.heraldlb.speaker.transport;

import io.heraldlb.speaker.responder.DropReason;

/** What the capture path counts; one instance per interface, so that counting is a field access. */
public interface ResponderCounters {
  void requestReceived(boolean ndp);

  void replySent(boolean ndp);

  void sendFailed();

  void dropped(DropReason reason);
}
