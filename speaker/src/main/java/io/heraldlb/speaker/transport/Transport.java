package io.heraldlb.speaker.transport;

import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.responder.AnnouncedTable;
import java.util.Map;
import java.util.Set;

/** Sends frames out of the interfaces the speaker has open. */
public interface Transport {

  /** The open interfaces and their MACs, by name. */
  Map<String, MacAddress> links();

  /** Where addresses of pools without their own {@code interfaces} are announced. */
  Set<String> defaultInterfaces();

  /** Narrows each interface's capture to the addresses this table announces on it. */
  void captureFor(AnnouncedTable table);

  /** Sends the first {@code length} bytes of {@code frame}; false if not open or it failed. */
  boolean send(String interfaceName, byte[] frame, int length);
}
