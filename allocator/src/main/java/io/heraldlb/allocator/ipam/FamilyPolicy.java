package io.heraldlb.allocator.ipam;

/** {@code spec.ipFamilyPolicy}. */
public enum FamilyPolicy {
  SINGLE_STACK,
  PREFER_DUAL_STACK,
  REQUIRE_DUAL_STACK;

  /** Reads the Kubernetes spelling; anything unknown or absent means single-stack. */
  public static FamilyPolicy fromKubernetes(String value) {
    if ("PreferDualStack".equals(value)) {
      return PREFER_DUAL_STACK;
    }
    if ("RequireDualStack".equals(value)) {
      return REQUIRE_DUAL_STACK;
    }
    return SINGLE_STACK;
  }
}
