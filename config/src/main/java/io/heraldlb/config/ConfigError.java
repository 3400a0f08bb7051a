package io.heraldlb.config;

/**
 * One problem in a pool configuration: where it is ({@code pools.dmz.addresses[1]}) and what is
 * wrong, including the bad value.
 */
public record ConfigError(String path, String message) {

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
