package io.heraldlb.speaker.kube;

import io.heraldlb.speaker.plan.ServiceInfo;

/** Events on Services. Implementations return at once: Events never delay announcing. */
public interface EventSink {
  String ANNOUNCED = "AnnouncedFromNode";
  String FAILED = "AnnounceFailed";
  String CONFLICT = "IPConflict";

  void emit(ServiceInfo service, boolean warning, String reason, String message);
}
