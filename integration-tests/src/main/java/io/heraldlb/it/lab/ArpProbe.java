package io.heraldlb.it.lab;

import java.util.concurrent.locks.LockSupport;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;

/**
 * Sends a broadcast ARP request at a fixed rate (iputils arping only takes whole seconds): the
 * client's probe during hand-overs and latency runs. Replies are read from a capture, not here.
 *
 * <p>Usage: {@code ArpProbe IFACE SENDER-MAC SENDER-IP TARGET-IP COUNT INTERVAL-MICROS}
 */
public final class ArpProbe {
  private ArpProbe() {}

  public static void main(String[] args) throws PcapNativeException, NotOpenException {
    if (args.length != 6) {
      System.err.println("usage: ArpProbe IFACE SENDER-MAC SENDER-IP TARGET-IP COUNT INTERVAL-US");
      System.exit(2);
    }
    byte[] frame = Frames.arpRequest(args[1], args[2], args[3]);
    int count = Integer.parseInt(args[4]);
    long interval = Long.parseLong(args[5]) * 1000;
    PcapNetworkInterface nif = Pcaps.getDevByName(args[0]);
    if (nif == null) {
      System.err.println("no interface " + args[0]);
      System.exit(1);
    }
    try (PcapHandle handle =
        nif.openLive(128, PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS, 10)) {
      handle.sendPacket(frame); // the first send loads classes: not a probe
      LockSupport.parkNanos(interval);
      long next = System.nanoTime();
      for (int i = 0; i < count; i++) {
        handle.sendPacket(frame);
        next += interval;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
    }
    System.out.println("sent " + count + " ARP requests for " + args[3]);
  }
}
