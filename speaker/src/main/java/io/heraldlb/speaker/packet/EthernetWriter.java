package io.heraldlb.speaker.packet;

/** Writes the Ethernet II header (with the optional 802.1Q tag) of an outgoing frame. */
final class EthernetWriter {
  private EthernetWriter() {}

  /**
   * Writes the header and returns the offset of the payload. Checks first that the whole frame,
   * {@code payloadLength} included, fits in {@code out}: a short buffer is a programming error.
   */
  static int write(
      byte[] out,
      MacAddress destination,
      MacAddress source,
      int vlanTci,
      int etherType,
      int payloadLength) {
    int header = FrameParser.ETHERNET_HEADER + (vlanTci == Ethernet.NO_VLAN ? 0 : 4);
    if (out.length < header + payloadLength) {
      throw new IllegalArgumentException(
          "buffer of " + out.length + " bytes; the frame needs " + (header + payloadLength));
    }
    if (vlanTci < Ethernet.NO_VLAN || vlanTci > 0xFFFF) {
      throw new IllegalArgumentException("a VLAN tag control field has 16 bits: " + vlanTci);
    }
    destination.writeTo(out, 0);
    source.writeTo(out, 6);
    if (vlanTci != Ethernet.NO_VLAN) {
      Bytes.putU16(out, 12, EtherTypes.VLAN);
      Bytes.putU16(out, 14, vlanTci);
    }
    Bytes.putU16(out, header - 2, etherType);
    return header;
  }
}
