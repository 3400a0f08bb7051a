package io.heraldlb.speaker.transport;

import com.sun.jna.Native;
import io.heraldlb.config.IpAddress;
import io.heraldlb.speaker.responder.Link;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packet sockets on one interface, each read by its own thread with a blocking {@code recvmsg} into
 * native memory that is allocated once; a reply leaves through {@code send} on the socket that read
 * the request. A kernel-side filter keeps everything but ARP and neighbor
 * solicitations/advertisements out of the JVM.
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

  /** Enough for ARP and an NS with options behind a VLAN tag. */
  static final int SNAPLEN = 256;

  /**
   * Asked of each socket's receive buffer, for a burst of requests while a thread is descheduled;
   * the kernel caps it at net.core.rmem_max (208 KiB on many hosts) and charges only what is
   * queued.
   */
  static final int RECEIVE_BUFFER = 1 << 20;

  /** How often a capture thread looks at its stop flag when the wire is quiet. */
  static final int READ_TIMEOUT_MS = 200;

  /**
   * The scheduler slice a capture thread asks for: the shortest the kernel grants, still twice what
   * answering a request takes. On Linux 6.12 and later the thread then preempts a task with the
   * default slice when a frame wakes it. Measured in the three-node lab (2 CPUs, where the client's
   * own thread holds the CPU the frame arrives on): the median reply went from 157–168 µs to
   * 110–143 µs, against the kernel's 61–77 µs in the same runs.
   */
  static final long SLICE_NANOS = 100_000;

  private static final Path ONLINE_CPUS = Path.of("/sys/devices/system/cpu/online");

  private final Link link;
  private final List<Capture> captures;
  private final Frames announce = new Frames();
  private boolean closed;
  private List<CaptureFilter.Insn> filter = CaptureFilter.all(SNAPLEN);
  private long kernelDrops;

  private PacketSocketPort(Link link, List<Capture> captures) {
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
    List<Capture> captures;
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
      port.captures.forEach(c -> c.thread.start());
    } catch (RuntimeException | OutOfMemoryError e) {
      port.close();
      throw new IOException("cannot start the capture threads on " + nif.name() + ": " + e, e);
    }
    return port;
  }

  /** Opens every socket of the plan, joined to one fanout group if more than one; or none. */
  private static List<Capture> openCaptures(
      Link link, Supplier<FrameHandler> handlers, boolean promiscuous, CapturePlan plan)
      throws IOException {
    List<Capture> captures = new ArrayList<>(plan.captures());
    int group = 0;
    try {
      // The kernel numbers fanout members in the order they join: socket i joins i-th.
      for (int i = 0; i < plan.captures(); i++) {
        int fd = openSocket(link.name(), promiscuous);
        try {
          captures.add(new Capture(link, fd, handlers.get(), i, plan.pin(i)));
        } catch (RuntimeException | Error e) {
          Linux.close(fd);
          throw e;
        }
        if (plan.fanout()) {
          group = Linux.joinCpuFanout(fd, group);
        }
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      captures.forEach(c -> Linux.close(c.fd));
      throw e instanceof IOException io ? io : new IOException(e.toString(), e);
    }
    return captures;
  }

  /**
   * A packet socket bound to the interface. It is created for no protocol, so it receives nothing
   * until the filter is attached and it is bound for every protocol.
   */
  private static int openSocket(String name, boolean promiscuous) throws IOException {
    int ifindex = Linux.if_nametoindex(name);
    if (ifindex <= 0) {
      throw new IOException("no interface " + name);
    }
    int fd = Linux.socket(Linux.AF_PACKET, Linux.SOCK_RAW, 0);
    if (fd < 0) {
      int errno = Native.getLastError();
      throw new IOException(
          "cannot open a packet socket on "
              + name
              + ": errno "
              + errno
              + (errno == 1 ? " (the speaker needs CAP_NET_RAW)" : ""));
    }
    try {
      Bpf.attach(fd, CaptureFilter.all(SNAPLEN));
      Linux.setInt(fd, Linux.SOL_SOCKET, Linux.SO_RCVBUF, RECEIVE_BUFFER, "SO_RCVBUF");
      // The VLAN tag the kernel took off a frame comes back as auxiliary data.
      Linux.setInt(fd, Linux.SOL_PACKET, Linux.PACKET_AUXDATA, 1, "PACKET_AUXDATA");
      try {
        Linux.setInt(fd, Linux.SOL_PACKET, Linux.PACKET_IGNORE_OUTGOING, 1, "IGNORE_OUTGOING");
      } catch (IOException e) {
        log.debug("{}: kernel before 4.20, outgoing frames are dropped after reading", name);
      }
      Linux.Scratch timeout = new Linux.Scratch(16); // struct timeval
      timeout.view.putLong(8, READ_TIMEOUT_MS * 1000L);
      Linux.setOption(fd, Linux.SOL_SOCKET, Linux.SO_RCVTIMEO, timeout, "SO_RCVTIMEO");
      Linux.Scratch address = new Linux.Scratch(20); // struct sockaddr_ll
      address.view.putShort(0, (short) Linux.AF_PACKET);
      address.view.put(2, (byte) (Linux.ETH_P_ALL >> 8)).put(3, (byte) Linux.ETH_P_ALL);
      address.view.putInt(4, ifindex);
      Linux.bind(fd, address, "bind to " + name);
      if (promiscuous) {
        Linux.Scratch request = new Linux.Scratch(16); // struct packet_mreq
        request.view.putInt(0, ifindex);
        request.view.putShort(4, (short) Linux.PACKET_MR_PROMISC);
        Linux.setOption(
            fd,
            Linux.SOL_PACKET,
            Linux.PACKET_ADD_MEMBERSHIP,
            request,
            "promiscuous mode on " + name);
      }
      return fd;
    } catch (IOException | RuntimeException | LinkageError e) {
      Linux.close(fd);
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
    return !closed && announce.send(captures.get(0).fd, frame, length, link);
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
    captures.forEach(c -> Bpf.detach(c.fd));
    filter = List.of();
  }

  /** Attaches {@code program} to every socket; {@link #filter} is what all of them run. */
  private void attach(List<CaptureFilter.Insn> program) throws IOException {
    filter = List.of(); // none in particular while they differ
    for (Capture c : captures) {
      Bpf.attach(c.fd, program);
    }
    filter = program;
  }

  @Override
  public synchronized long kernelDrops() {
    if (!closed) {
      captures.forEach(c -> kernelDrops += Linux.takeDrops(c.fd));
    }
    return kernelDrops;
  }

  @Override
  public String problem() {
    for (Capture c : captures) {
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
    captures.forEach(c -> c.running = false);
    synchronized (this) {
      kernelDrops(); // the last count, before the sockets go
      closed = true;
    }
    captures.forEach(Capture::close);
  }

  /**
   * Native memory for one thread's reads and sends, laid out once: a msghdr pointing at an iovec, a
   * sockaddr_ll and a control buffer, then the frame read and the frame sent.
   */
  private static final class Frames {
    static final int MSG = 0; // struct msghdr, 56 bytes
    static final int IOV = 64; // struct iovec, 16
    static final int NAME = 80; // struct sockaddr_ll, 20
    static final int CONTROL = 112; // one cmsghdr (16) + tpacket_auxdata (20), padded
    static final int CONTROL_SIZE = 64;
    static final int RX = 176;
    static final int TX = RX + SNAPLEN;
    static final int TX_SIZE = 128;

    static final int PACKET_OUTGOING = 4;
    static final int TP_STATUS_VLAN_VALID = 0x10;
    static final int TP_STATUS_VLAN_TPID_VALID = 0x40;
    static final int ETHERTYPE_VLAN = 0x8100;

    final Linux.Scratch memory = new Linux.Scratch(TX + TX_SIZE);
    final ByteBuffer view = memory.view;
    final long base = memory.address;

    Frames() {
      view.putLong(MSG, base + NAME);
      view.putLong(MSG + 16, base + IOV);
      view.putLong(MSG + 24, 1);
      view.putLong(MSG + 32, base + CONTROL);
      view.putLong(IOV, base + RX);
      view.putLong(IOV + 8, SNAPLEN);
    }

    /**
     * Reads one frame into {@code into}, with the VLAN tag the kernel took off put back.
     *
     * @return its length; 0 for a frame to skip (one this host sent); -errno on failure
     */
    int read(int fd, byte[] into) {
      view.putInt(MSG + 8, 20);
      view.putLong(MSG + 40, CONTROL_SIZE);
      long n = Linux.recvmsg(fd, base + MSG, 0);
      if (n < 0) {
        return -Native.getLastError();
      }
      int length = (int) Math.min(n, SNAPLEN);
      if ((view.get(NAME + 10) & 0xff) == PACKET_OUTGOING || length < 14) {
        return 0;
      }
      int status = view.getLong(MSG + 40) >= 36 ? auxStatus() : 0;
      if ((status & TP_STATUS_VLAN_VALID) == 0 || length + 4 > into.length) {
        copyIn(RX, into, 0, length);
        return length;
      }
      int tpid =
          (status & TP_STATUS_VLAN_TPID_VALID) != 0 ? view.getShort(CONTROL + 34) & 0xffff : 0;
      int tci = view.getShort(CONTROL + 32) & 0xffff;
      copyIn(RX, into, 0, 12);
      into[12] = (byte) ((tpid == 0 ? ETHERTYPE_VLAN : tpid) >> 8);
      into[13] = (byte) (tpid == 0 ? ETHERTYPE_VLAN : tpid);
      into[14] = (byte) (tci >> 8);
      into[15] = (byte) tci;
      copyIn(RX + 12, into, 16, length - 12);
      return length + 4;
    }

    /**
     * A byte loop, not the buffer's bulk get: that one goes through the JVM's copy routine, which
     * has gone cold between two requests and then costs 6 to 10 µs, measured in the lab; the loop
     * is compiled into this method.
     */
    private void copyIn(int from, byte[] into, int offset, int length) {
      for (int i = 0; i < length; i++) {
        into[offset + i] = view.get(from + i);
      }
    }

    /** tp_status of the PACKET_AUXDATA message, if that is what the control buffer holds. */
    private int auxStatus() {
      boolean aux =
          view.getInt(CONTROL + 8) == Linux.SOL_PACKET
              && view.getInt(CONTROL + 12) == Linux.PACKET_AUXDATA;
      return aux ? view.getInt(CONTROL + 16) : 0;
    }

    boolean send(int fd, byte[] frame, int length, Link link) {
      if (length > TX_SIZE) {
        log.warn("not sending a {}-byte frame on {}: larger than {}", length, link.name(), TX_SIZE);
        return false;
      }
      for (int i = 0; i < length; i++) {
        view.put(TX + i, frame[i]); // see copyIn
      }
      long sent = Linux.send(fd, base + TX, length, 0);
      if (sent != length) {
        log.warn("sending on {} failed: errno {}", link.name(), Native.getLastError());
        return false;
      }
      return true;
    }
  }

  /** One socket and the thread reading it. It is the {@link Port} its handler replies through. */
  private static final class Capture implements Port {
    private final Link link;
    private final int fd;
    private final FrameHandler handler;
    private final BitSet cpus;
    private final Thread thread;
    private final Frames frames = new Frames();
    private final byte[] frame = new byte[SNAPLEN + 4];
    private volatile boolean running = true;
    private volatile String problem;

    Capture(Link link, int fd, FrameHandler handler, int index, BitSet cpus) {
      this.link = link;
      this.fd = fd;
      this.handler = handler;
      this.cpus = cpus;
      String name = "capture-" + link.name() + (index == 0 ? "" : "-" + index);
      this.thread = new Thread(this::captureLoop, name);
      thread.setDaemon(true);
    }

    @Override
    public Link link() {
      return link;
    }

    /** Only on this capture's thread, from its handler. */
    @Override
    public boolean send(byte[] frame, int length) {
      return frames.send(fd, frame, length, link);
    }

    @Override
    public String problem() {
      if (problem != null) {
        return problem;
      }
      return thread.isAlive() || !running ? null : thread.getName() + " stopped";
    }

    private void captureLoop() {
      if (!cpus.isEmpty()) {
        try {
          Linux.pinCurrentThread(cpus);
        } catch (IOException | RuntimeException | LinkageError e) {
          log.warn("{} runs unpinned: {}", thread.getName(), e.getMessage());
        }
      }
      try {
        long slice = Linux.requestSlice(SLICE_NANOS);
        log.debug("{}: scheduler slice {} ns", thread.getName(), slice);
      } catch (IOException | RuntimeException | LinkageError e) {
        log.debug("{} keeps the default scheduler slice: {}", thread.getName(), e.getMessage());
      }
      while (running) {
        readOne();
      }
    }

    /** One frame, or one read timeout: a method of its own, so the JIT compiles it early. */
    private void readOne() {
      int length = frames.read(fd, frame);
      if (length > 0) {
        handler.onFrame(frame, length, this);
      } else if (length < 0 && -length != Linux.EAGAIN && -length != Linux.EINTR && running) {
        problem = "capture on " + link.name() + " broke: errno " + -length;
        log.error("{}; it is reopened on the next interface scan", problem);
        running = false;
      }
    }

    @Override
    public void close() {
      running = false;
      try {
        thread.join(2L * READ_TIMEOUT_MS + 100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        // Closing the socket under a read could hand its number to the next socket opened.
        log.warn("{} did not stop; its socket is left open", thread.getName());
        return;
      }
      Linux.close(fd);
    }
  }
}
