package io.heraldlb.allocator.ipam;

/** A Service port as far as IP sharing cares: protocol and number. */
public record Port(String protocol, int port) {
  @Override
  public String toString() {
    return port + "/" + protocol;
  }
}
