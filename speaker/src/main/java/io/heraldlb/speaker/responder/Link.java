package io.heraldlb.speaker.responder;

import io.heraldlb.speaker.packet.MacAddress;
import java.util.Objects;

/** The interface a frame arrived on: answers go out of it, from its MAC. */
public record Link(String name, MacAddress mac) {
  public Link {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mac, "mac");
  }
}
