package io.heraldlb.config;

import java.util.List;

/** The outcome of parsing a pool ConfigMap: a configuration, or every error found. */
public sealed interface ParseResult {

  record Valid(PoolConfig config) implements ParseResult {}

  record Invalid(List<ConfigError> errors) implements ParseResult {
    public Invalid {
      errors = List.copyOf(errors);
    }
  }
}
