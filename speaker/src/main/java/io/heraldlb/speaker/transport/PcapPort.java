package io.heraldlb.speaker.transport;

import io.heraldlb.speaker.responder.Link;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libpcap handle on one interface with its own capture thread. Immediate mode is what makes
 * replies fast: without it libpcap holds frames until the read timeout. The kernel-side filter
 * keeps everything but ARP and neighbor solicitations/advertisements out of the JVM.
 */
public final class PcapPort implements Port {
  private static final Logger log = LoggerFactory.getLogger(PcapPort.class);

  public static final String FILTER = "arp or (icmp6 and (ip6[40] == 135 or ip6[40] == 136))";

  /** Enough for ARP and an NS with options behind a VLAN tag. */
  static final int SNAPLEN = 256;

  /** How often the capture thread looks at its stop flag when the wire is quiet. */
  static final int READ_TIMEOUT_MS = 200;

  private final Link link;
  private final PcapHandle handle;
  private final FrameHandler handler;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String problem;

  private PcapPort(Link link, PcapHandle handle, FrameHandler handler) {
    this.link = link;
    this.handle = handle;
    this.handler = handler;
    this.thread = new Thread(this::captureLoop, "capture-" + link.name());
    thread.setDaemon(true);
    thread.setPriority(Thread.MAX_PRIORITY);
  }

  /** A factory for {@link InterfaceManager}. */
  public static PortFactory factory(boolean promiscuous) {
    return (nif, handler) -> open(nif, handler, promiscuous);
  }

  static PcapPort open(NetInterface nif, FrameHandler handler, boolean promiscuous)
      throws IOException {
    PcapHandle handle;
    try {
      handle =
          new PcapHandle.Builder(nif.name())
              .snaplen(SNAPLEN)
              .promiscuousMode(
                  promiscuous ? PromiscuousMode.PROMISCUOUS : PromiscuousMode.NONPROMISCUOUS)
              .timeoutMillis(READ_TIMEOUT_MS)
              .immediateMode(true)
              .direction(PcapHandle.PcapDirection.IN)
              .build();
    } catch (PcapNativeException | RuntimeException e) {
      throw new IOException("cannot open a capture on " + nif.name() + ": " + e.getMessage(), e);
    }
    try {
      handle.setFilter(FILTER, BpfCompileMode.OPTIMIZE);
    } catch (PcapNativeException | NotOpenException | RuntimeException e) {
      handle.close();
      throw new IOException("cannot set the capture filter on " + nif.name() + ": " + e, e);
    }
    PcapPort port = new PcapPort(new Link(nif.name(), nif.mac()), handle, handler);
    port.thread.start();
    return port;
  }

  @Override
  public Link link() {
    return link;
  }

  @Override
  public boolean send(byte[] frame, int length) {
    try {
      handle.sendPacket(frame, length);
      return true;
    } catch (PcapNativeException | NotOpenException | RuntimeException e) {
      log.warn("sending on {} failed: {}", link.name(), e.getMessage());
      return false;
    }
  }

  @Override
  public String problem() {
    if (problem != null) {
      return problem;
    }
    return thread.isAlive() || !running ? null : "capture thread on " + link.name() + " stopped";
  }

  private void captureLoop() {
    while (running) {
      byte[] frame;
      try {
        frame = handle.getNextRawPacketEx();
      } catch (TimeoutException e) {
        continue;
      } catch (PcapNativeException | EOFException | NotOpenException e) {
        if (running) {
          problem = "capture on " + link.name() + " broke: " + e.getMessage();
          log.error("{}; it is reopened on the next interface scan", problem);
        }
        return;
      } catch (RuntimeException e) {
        log.warn("reading a frame on {} failed: {}", link.name(), e.toString());
        continue;
      }
      handler.onFrame(frame, frame.length, this);
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      // On a quiet link the read can block in poll() past its timeout (the kernel wakes a
      // TPACKET_V3 reader only for a non-empty block), and close() waits for the read to return:
      // a SIGTERM then never ended. Break the loop first; libpcap wakes the poll for it.
      handle.breakLoop();
    } catch (NotOpenException | RuntimeException e) {
      log.debug("breaking the capture loop on {}", link.name(), e);
    }
    try {
      thread.join(2L * READ_TIMEOUT_MS + 100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      handle.close();
    } catch (RuntimeException e) {
      log.debug("closing the capture on {}", link.name(), e);
    }
  }
}
