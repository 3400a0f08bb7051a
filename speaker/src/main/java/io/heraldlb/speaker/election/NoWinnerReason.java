package io.heraldlb.speaker.election;

/** Which rule left an address without any candidate node; one metric label per value. */
public enum NoWinnerReason {
  NO_LIVE_SPEAKER,
  NO_KNOWN_NODE,
  EXCLUDED_BY_LABEL,
  NETWORK_UNAVAILABLE,
  OUTSIDE_NODE_SELECTOR,
  NO_READY_ENDPOINT,
  /** The address lies in no pool of the configuration (or none is loaded yet). */
  NOT_IN_ANY_POOL,
  /** Its pool is covered by no advertisement: assigned, announced by nobody (as in MetalLB). */
  NOT_ADVERTISED
}
