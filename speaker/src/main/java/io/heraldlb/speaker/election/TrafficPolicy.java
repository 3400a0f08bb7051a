package io.heraldlb.speaker.election;

/** A Service's {@code spec.externalTrafficPolicy}. */
public enum TrafficPolicy {
  CLUSTER,
  /** Only nodes with a ready or serving endpoint of the Service may announce it. */
  LOCAL
}
