package io.heraldlb.speaker.transport;

import io.heraldlb.speaker.responder.Link;
import java.io.IOException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portable port: libpcap through pcap4j, one handle and one capture thread per interface. For
 * where packet sockets cannot be used as {@link PacketSocketPort} uses them (a CPU architecture
 * whose struct layouts and system calls {@link Linux} does not know, such as 32-bit ARM), or when
 * asked ({@code HERALDLB_TRANSPORT=pcap}). It answers the same frames through the same handler;
 * what it gives up is speed (a copy and JNA marshalling per frame: measured 125 µs from read to
 * reply against 40 µs), the CPU fanout and the per-address kernel filter: its filter passes every
 * ARP and NDP frame, and the responder drops what is not for it.
 */
public final class PcapPort implements Port {
  private static final Logger log = LoggerFactory.getLogger(PcapPort.class);

  /**
   * ARP, and neighbor solicitations and advertisements (ICMPv6 135, 136) without extension headers,
   * as Neighbor Discovery sends them: requests to answer and claims that conflict.
   */
  static final String FILTER =
      "arp or (ip6 and ip6[6] == 58 and (ip6[40] == 135 or ip6[40] == 136))";

  /** How often the capture thread looks at its stop flag when the wire is quiet. */
  static final int READ_TIMEOUT_MS = 200;

  private final Link link;
  private final PcapHandle handle;
  private final FrameHandler handler;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile @Nullable String problem;

  private PcapPort(Link link, PcapHandle handle, FrameHandler handler) {
    this.link = link;
    this.handle = handle;
    this.handler = handler;
    this.thread = new Thread(this::captureLoop, "capture-" + link.name());
    thread.setDaemon(true);
  }

  /** A factory for {@link InterfaceManager}. */
  public static PortFactory factory(boolean promiscuous) {
    return (nif, handlers) -> open(nif, handlers, promiscuous);
  }

  /**
   * The transport for {@code choice} ({@code packet}, {@code pcap}, or {@code auto}: packet sockets
   * on the 64-bit architectures {@link Linux} knows, libpcap elsewhere) on {@code arch} ({@code
   * os.arch}).
   *
   * @throws IllegalArgumentException for packet sockets on an architecture they do not know
   */
  public static String resolve(String choice, String arch) {
    boolean known =
        switch (arch) {
          case "amd64", "x86_64", "aarch64", "arm64" -> true;
          default -> false;
        };
    if (choice.equals("packet") && !known) {
      throw new IllegalArgumentException(
          "packet sockets are laid out for 64-bit x86 and ARM only, not "
              + arch
              + ": set HERALDLB_TRANSPORT=pcap (or auto)");
    }
    return choice.equals("auto") ? (known ? "packet" : "pcap") : choice;
  }

  static PcapPort open(NetInterface nif, Supplier<FrameHandler> handlers, boolean promiscuous)
      throws IOException {
    PcapHandle handle;
    try {
      handle =
          new PcapHandle.Builder(nif.name())
              .snaplen(MessageBuffer.SNAPLEN)
              .promiscuousMode(
                  promiscuous ? PromiscuousMode.PROMISCUOUS : PromiscuousMode.NONPROMISCUOUS)
              .timeoutMillis(READ_TIMEOUT_MS)
              .bufferSize(PacketSocketPort.RECEIVE_BUFFER)
              // Without it libpcap hands frames over only when its buffer fills or the timeout
              // ends.
              .immediateMode(true)
              .direction(PcapHandle.PcapDirection.IN)
              .build();
    } catch (PcapNativeException | RuntimeException | LinkageError e) {
      throw new IOException("cannot capture on " + nif.name() + " with libpcap: " + e, e);
    }
    try {
      handle.setFilter(FILTER, BpfCompileMode.OPTIMIZE);
      PcapPort port = new PcapPort(new Link(nif.name(), nif.mac()), handle, handlers.get());
      port.thread.start();
      return port;
    } catch (PcapNativeException | NotOpenException | RuntimeException | OutOfMemoryError e) {
      handle.close();
      throw new IOException("cannot capture on " + nif.name() + " with libpcap: " + e, e);
    }
  }

  @Override
  public Link link() {
    return link;
  }

  /** From the capture thread (replies) and any other (announcements): pcap4j locks the handle. */
  @Override
  public boolean send(byte[] frame, int length) {
    try {
      handle.sendPacket(frame, length);
      return true;
    } catch (PcapNativeException | NotOpenException | RuntimeException e) {
      log.debug("send on {} failed: {}", link.name(), e.toString());
      return false;
    }
  }

  @Override
  public long kernelDrops() {
    try {
      return handle.isOpen() ? handle.getStats().getNumPacketsDropped() : 0;
    } catch (PcapNativeException | NotOpenException | RuntimeException e) {
      return 0;
    }
  }

  @Override
  public @Nullable String problem() {
    if (problem != null) {
      return problem;
    }
    return thread.isAlive() || !running ? null : thread.getName() + " stopped";
  }

  private void captureLoop() {
    while (running) {
      try {
        byte[] frame = handle.getNextRawPacket(); // null when the read timed out
        if (frame != null) {
          handler.onFrame(frame, frame.length, this);
        }
      } catch (NotOpenException | RuntimeException e) {
        if (running) {
          problem = "capture on " + link.name() + " broke: " + e;
          log.error("{}; it is reopened on the next interface scan", problem);
          running = false;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread.isAlive()) {
      try {
        thread.join(2L * READ_TIMEOUT_MS + 100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (thread.isAlive()) {
      log.warn("{} did not stop; its handle is left open", thread.getName());
      return;
    }
    handle.close();
  }
}
