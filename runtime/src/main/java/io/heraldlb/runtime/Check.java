package io.heraldlb.runtime;

import org.jspecify.annotations.Nullable;

/** A health or readiness check: {@code null} when fine, otherwise what is wrong. */
@FunctionalInterface
public interface Check {
  @Nullable String problem();
}
