package io.heraldlb.config;

import org.jspecify.annotations.Nullable;

/** An IP address family. */
public enum Family {
  IPV4(32),
  IPV6(128);

  private final int bits;

  Family(int bits) {
    this.bits = bits;
  }

  public int bits() {
    return bits;
  }

  /** The name Kubernetes uses in {@code spec.ipFamilies}. */
  public String kubernetesName() {
    return this == IPV4 ? "IPv4" : "IPv6";
  }

  /** Parses {@code IPv4} / {@code IPv6} as Kubernetes writes them; {@code null} otherwise. */
  public static @Nullable Family fromKubernetesName(String name) {
    if ("IPv4".equals(name)) {
      return IPV4;
    }
    if ("IPv6".equals(name)) {
      return IPV6;
    }
    return null;
  }
}
