package io.heraldlb.it.lab;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;

/**
 * Sends raw Ethernet frames, byte for byte, through libpcap: the lab client's tool for hostile
 * traffic. Run inside the client namespace only.
 *
 * <p>Usage: {@code FrameSender IFACE REPEAT HEX-FRAME...} (each frame sent REPEAT times, in order)
 */
public final class FrameSender {
  private FrameSender() {}

  public static void main(String[] args) throws PcapNativeException, NotOpenException {
    if (args.length < 3) {
      System.err.println("usage: FrameSender IFACE REPEAT HEX-FRAME...");
      System.exit(2);
    }
    int repeat = Integer.parseInt(args[1]);
    List<byte[]> frames = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      frames.add(HexFormat.of().parseHex(args[i]));
    }
    PcapNetworkInterface nif = Pcaps.getDevByName(args[0]);
    if (nif == null) {
      System.err.println("no interface " + args[0]);
      System.exit(1);
    }
    int sent = 0;
    try (PcapHandle handle =
        nif.openLive(65536, PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS, 10)) {
      for (int r = 0; r < repeat; r++) {
        for (byte[] frame : frames) {
          handle.sendPacket(frame);
          sent++;
        }
      }
    }
    System.out.println("sent " + sent + " frames on " + args[0]);
  }
}
