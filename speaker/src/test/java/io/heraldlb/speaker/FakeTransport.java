package io.heraldlb.speaker;

import io.heraldlb.speaker.packet.FrameParser;
import io.heraldlb.speaker.packet.MacAddress;
import io.heraldlb.speaker.packet.ParsedFrame;
import io.heraldlb.speaker.responder.AnnouncedTable;
import io.heraldlb.speaker.transport.Transport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Records every frame sent, parsed, by interface. */
public final class FakeTransport implements Transport {
  public record Sent(String interfaceName, ParsedFrame frame) {}

  public final Map<String, MacAddress> links = new LinkedHashMap<>();
  public Set<String> defaults = new TreeSet<>();
  public final List<Sent> sent = new ArrayList<>();

  public FakeTransport with(String name, String mac) {
    links.put(name, MacAddress.parse(mac));
    defaults.add(name);
    return this;
  }

  @Override
  public Map<String, MacAddress> links() {
    return Map.copyOf(links);
  }

  @Override
  public Set<String> defaultInterfaces() {
    return Set.copyOf(defaults);
  }

  @Override
  public void captureFor(AnnouncedTable table) {
    capturedFor = table;
  }

  /** The table the announcer last narrowed capturing to. */
  public volatile AnnouncedTable capturedFor = AnnouncedTable.EMPTY;

  @Override
  public boolean send(String interfaceName, byte[] frame, int length) {
    if (!links.containsKey(interfaceName)) {
      return false;
    }
    sent.add(new Sent(interfaceName, FrameParser.parse(Arrays.copyOf(frame, length))));
    return true;
  }
}
