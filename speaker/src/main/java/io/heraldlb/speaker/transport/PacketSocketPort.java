package io.heraldlb.speaker.transport;

import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.responder.Link;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker's port on one interface: which packet sockets it reads, how they share the work, and
 * what the kernel filter lets through. Each socket ({@link PacketSocket}, which owns the
 * descriptor) is read by its own {@link CaptureThread} into native memory laid out once ({@link
 * MessageBuffer}); a reply leaves on the socket that read the request. The filter keeps everything
 * but ARP and the neighbor solicitations/advertisements for announced addresses out of the JVM.
 *
 * <p>On a machine with several CPUs the interface gets one socket per CPU, joined in a packet
 * fanout group by CPU (see {@link CapturePlan}): a frame is read, and answered, on the CPU that
 * received it. Where the kernel or the container refuses that, one socket serves the interface.
 *
 * <p>Why not libpcap's own read and send: measured on a test segment, from the read returning to
 * the reply's send, pcap4j and libpcap took 125 µs and this path 40 µs (JNA marshalling and
 * per-frame allocation), on a reply the kernel itself gives in 35 to 50 µs. The filter is a classic
 * BPF program built here ({@link CaptureFilter}): the speaker needs no libpcap.
 */
public final class PacketSocketPort implements Port {
  private static final Logger log = LoggerFactory.getLogger(PacketSocketPort.class);

  static final int SNAPLEN = MessageBuffer.SNAPLEN;

  /**
   * Asked of each socket's receive buffer, for a burst of requests while a thread is descheduled;
   * the kernel caps it at net.core.rmem_max (208 KiB on many hosts) and charges only what is
   * queued.
   */
  static final int RECEIVE_BUFFER = 1 << 20;

  private static final Path ONLINE_CPUS = Path.of("/sys/devices/system/cpu/online");

  private final Link link;
  private final List<CaptureThread> captures;
  private final MessageBuffer announce = new MessageBuffer();
  private boolean closed;
  private List<CaptureFilter.Insn> filter = CaptureFilter.all(SNAPLEN);
  private long kernelDrops;

  private PacketSocketPort(Link link, List<CaptureThread> captures) {
    this.link = link;
    this.captures = List.copyOf(captures);
  }

  /**
   * A factory for {@link InterfaceManager}.
   *
   * @param captureThreads at most this many sockets per interface; 1 turns the fanout off
   */
  public static PortFactory factory(boolean promiscuous, int captureThreads) {
    CapturePlan plan = planFor(captureThreads);
    return (nif, handlers) -> open(nif, handlers, promiscuous, plan);
  }

  static CapturePlan planFor(int captureThreads) {
    if (captureThreads <= 1) {
      return CapturePlan.SINGLE;
    }
    try {
      BitSet online = CpuList.parse(Files.readString(ONLINE_CPUS));
      CapturePlan plan = CapturePlan.of(online, Linux.allowedCpus(), captureThreads);
      log.info(
          "{} captures per interface in a CPU fanout group, their threads on CPUs {}",
          plan.captures(),
          plan);
      return plan;
    } catch (IOException | RuntimeException | LinkageError e) {
      log.warn("one capture thread per interface: cannot read the CPUs ({})", e.getMessage());
      return CapturePlan.SINGLE;
    }
  }

  static PacketSocketPort open(
      NetInterface nif, Supplier<FrameHandler> handlers, boolean promiscuous, CapturePlan plan)
      throws IOException {
    Link link = new Link(nif.name(), nif.mac());
    List<CaptureThread> captures;
    try {
      captures = openCaptures(link, handlers, promiscuous, plan);
    } catch (IOException e) {
      if (!plan.fanout()) {
        throw e;
      }
      log.warn("one capture thread on {}: {}", nif.name(), e.getMessage());
      captures = openCaptures(link, handlers, promiscuous, CapturePlan.SINGLE);
    }
    PacketSocketPort port = new PacketSocketPort(link, captures);
    try {
      port.captures.forEach(CaptureThread::start);
    } catch (RuntimeException | OutOfMemoryError e) {
      port.close();
      throw new IOException("cannot start the capture threads on " + nif.name() + ": " + e, e);
    }
    return port;
  }

  /** Opens every socket of the plan, joined to one fanout group if more than one; or none. */
  private static List<CaptureThread> openCaptures(
      Link link, Supplier<FrameHandler> handlers, boolean promiscuous, CapturePlan plan)
      throws IOException {
    List<CaptureThread> captures = new ArrayList<>(plan.captures());
    int group = 0;
    try {
      // The kernel numbers fanout members in the order they join: socket i joins i-th.
      for (int i = 0; i < plan.captures(); i++) {
        PacketSocket socket = openSocket(link.name(), promiscuous);
        try {
          captures.add(new CaptureThread(link, socket, handlers.get(), i, plan.pin(i)));
        } catch (RuntimeException | Error e) {
          socket.close();
          throw e;
        }
        if (plan.fanout()) {
          group = socket.joinCpuFanout(group);
        }
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      captures.forEach(c -> c.socket().close());
      throw e instanceof IOException io ? io : new IOException(e.toString(), e);
    }
    return captures;
  }

  /**
   * A packet socket bound to the interface. The filter that keeps all but ARP and NDP out is on
   * before the socket is bound, so nothing else is ever read.
   */
  private static PacketSocket openSocket(String name, boolean promiscuous) throws IOException {
    PacketSocket socket = PacketSocket.open(name);
    try {
      socket.attachFilter(CaptureFilter.all(SNAPLEN));
      socket.receiveBuffer(RECEIVE_BUFFER);
      socket.auxData();
      try {
        socket.ignoreOutgoing();
      } catch (IOException e) {
        log.debug("{}: kernel before 4.20, outgoing frames are dropped after reading", name);
      }
      socket.readTimeout(CaptureThread.READ_TIMEOUT_MS);
      socket.bindToInterface();
      if (promiscuous) {
        socket.promiscuous();
      }
      return socket;
    } catch (IOException | RuntimeException | LinkageError e) {
      socket.close();
      throw e instanceof IOException io
          ? new IOException("cannot capture on " + name + ": " + io.getMessage(), io)
          : new IOException("cannot capture on " + name + ": " + e, e);
    }
  }

  @Override
  public Link link() {
    return link;
  }

  /** Announcements, from any thread; replies go out through the socket that read the request. */
  @Override
  public synchronized boolean send(byte[] frame, int length) {
    return !closed && announce.send(captures.get(0).socket(), frame, length);
  }

  @Override
  public synchronized void captureFor(Set<IpAddress> addresses) {
    List<CaptureFilter.Insn> next = CaptureFilter.of(addresses, SNAPLEN);
    if (closed || next.equals(filter)) {
      return;
    }
    try {
      attach(next);
      log.debug("capture filter on {}: {} addresses", link.name(), addresses.size());
      return;
    } catch (IOException e) {
      // Most likely ENOMEM: the old and the new filter together over net.core.optmem_max. For an
      // instant without a filter (the responder drops what is not ARP/NDP) only the new one counts.
      detach();
    }
    List<CaptureFilter.Insn> all = CaptureFilter.all(SNAPLEN);
    for (List<CaptureFilter.Insn> program : List.of(next, all)) {
      try {
        attach(program);
        if (program == all) {
          log.warn(
              "capturing all ARP/NDP on {}: the kernel refuses a narrower filter", link.name());
        }
        return;
      } catch (IOException e) {
        detach();
        log.warn("capture filter on {} refused: {}", link.name(), e.getMessage());
      }
    }
    log.error(
        "no capture filter on {}: every ARP and NDP frame reaches the responder", link.name());
  }

  private void detach() {
    captures.forEach(c -> c.socket().detachFilter());
    filter = List.of();
  }

  /** Attaches {@code program} to every socket; {@link #filter} is what all of them run. */
  private void attach(List<CaptureFilter.Insn> program) throws IOException {
    filter = List.of(); // none in particular while they differ
    for (CaptureThread c : captures) {
      c.socket().attachFilter(program);
    }
    filter = program;
  }

  @Override
  public synchronized long kernelDrops() {
    if (!closed) {
      captures.forEach(c -> kernelDrops += c.socket().takeDrops());
    }
    return kernelDrops;
  }

  @Override
  public @Nullable String problem() {
    for (CaptureThread c : captures) {
      String problem = c.problem();
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  int captures() {
    return captures.size();
  }

  @Override
  public void close() {
    captures.forEach(CaptureThread::stop);
    synchronized (this) {
      kernelDrops(); // the last count, before the sockets go
      closed = true;
    }
    captures.forEach(CaptureThread::close);
  }
}
