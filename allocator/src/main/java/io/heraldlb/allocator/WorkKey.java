package io.heraldlb.allocator;

import io.heraldlb.allocator.ipam.ServiceKey;

/** What the allocator's work queue holds: one Service, or the pool configuration. */
sealed interface WorkKey {
  static Service of(ServiceKey key) {
    return new Service(key);
  }

  /** One Service, by namespace and name. */
  record Service(ServiceKey key) implements WorkKey {
    @Override
    public String toString() {
      return key.toString();
    }
  }

  /** The pool configuration (its ConfigMap). */
  enum Config implements WorkKey {
    INSTANCE;

    @Override
    public String toString() {
      return "the pool configuration";
    }
  }
}
