package io.heraldlb.runtime;

/** A health or readiness check: {@code null} when fine, otherwise what is wrong. */
@FunctionalInterface
public interface Check {
  String problem();
}
