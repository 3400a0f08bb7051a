package io.heraldlb.speaker.responder;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.packet.MacAddress;

/** Another station claims an address we announce: {@code mac} says it has {@code ip}. */
public record Conflict(IpAddress ip, MacAddress mac, String interfaceName) {}
