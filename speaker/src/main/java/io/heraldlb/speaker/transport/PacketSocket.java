package io.heraldlb.speaker.transport;

import com.sun.jna.Native;
import io.heraldlb.speaker.transport.Structs.PacketMreq;
import io.heraldlb.speaker.transport.Structs.SockFprog;
import io.heraldlb.speaker.transport.Structs.SockaddrLl;
import io.heraldlb.speaker.transport.Structs.Timeval;
import io.heraldlb.speaker.transport.Structs.TpacketStats;
import java.io.IOException;
import java.lang.ref.Reference;
import java.util.List;

/**
 * One AF_PACKET socket on one interface. It owns its descriptor: the number never leaves this
 * class, every option has a typed setter that names the option in its error, and {@link #close}
 * closes the descriptor once. Whoever reads from it stops reading before closing it (the kernel
 * hands a closed number to the next socket opened).
 */
final class PacketSocket implements AutoCloseable {
  private final String interfaceName;
  private final int ifindex;
  private final int fd;
  private volatile boolean closed;

  private PacketSocket(String interfaceName, int ifindex, int fd) {
    this.interfaceName = interfaceName;
    this.ifindex = ifindex;
    this.fd = fd;
  }

  /**
   * A packet socket for the interface, created for no protocol: it receives nothing until it is
   * {@linkplain #bindToInterface bound}, so a filter can be attached first.
   */
  static PacketSocket open(String interfaceName) throws IOException {
    int ifindex = Linux.if_nametoindex(interfaceName);
    if (ifindex <= 0) {
      throw new IOException("no interface " + interfaceName);
    }
    int fd = Linux.socket(Linux.AF_PACKET, Linux.SOCK_RAW, 0);
    if (fd < 0) {
      int errno = Native.getLastError();
      throw new IOException(
          "cannot open a packet socket on "
              + interfaceName
              + ": errno "
              + errno
              + (errno == 1 ? " (the speaker needs CAP_NET_RAW)" : ""));
    }
    return new PacketSocket(interfaceName, ifindex, fd);
  }

  String interfaceName() {
    return interfaceName;
  }

  /** Binds to the interface for every protocol: frames start to arrive, through the filter. */
  void bindToInterface() throws IOException {
    Linux.Scratch address = new Linux.Scratch(SockaddrLl.SIZE);
    address.view.putShort(SockaddrLl.FAMILY, (short) Linux.AF_PACKET);
    address.view.put(SockaddrLl.PROTOCOL, (byte) (Linux.ETH_P_ALL >> 8));
    address.view.put(SockaddrLl.PROTOCOL + 1, (byte) Linux.ETH_P_ALL);
    address.view.putInt(SockaddrLl.IFINDEX, ifindex);
    try {
      Linux.check(Linux.bind(fd(), address.address, address.size), "bind to " + interfaceName);
    } finally {
      Reference.reachabilityFence(address);
    }
  }

  /** Replaces the socket's filter at once: no frame sees neither the old nor the new one. */
  void attachFilter(List<CaptureFilter.Insn> program) throws IOException {
    Linux.Scratch insns = new Linux.Scratch(SockFprog.INSN_SIZE * program.size());
    CaptureFilter.encode(program, insns.view);
    Linux.Scratch fprog = new Linux.Scratch(SockFprog.SIZE);
    fprog.view.putShort(SockFprog.LEN, (short) program.size());
    fprog.view.putLong(SockFprog.FILTER, insns.address);
    try {
      setOption(Linux.SOL_SOCKET, Linux.SO_ATTACH_FILTER, fprog, "SO_ATTACH_FILTER");
    } finally {
      Reference.reachabilityFence(insns);
    }
  }

  /** Removes the filter: every frame is read. Never throws (ENOENT: there was none). */
  void detachFilter() {
    try {
      setInt(Linux.SOL_SOCKET, Linux.SO_DETACH_FILTER, 0, "SO_DETACH_FILTER");
    } catch (IOException e) {
      // none attached, or the socket is closed
    }
  }

  /** Asks for a receive buffer of {@code bytes}; the kernel caps it at net.core.rmem_max. */
  void receiveBuffer(int bytes) throws IOException {
    setInt(Linux.SOL_SOCKET, Linux.SO_RCVBUF, bytes, "SO_RCVBUF");
  }

  /** Each frame comes with PACKET_AUXDATA: the VLAN tag the device took off, among others. */
  void auxData() throws IOException {
    setInt(Linux.SOL_PACKET, Linux.PACKET_AUXDATA, 1, "PACKET_AUXDATA");
  }

  /** Frames this host sends are not looped back to the socket (Linux 4.20 and later). */
  void ignoreOutgoing() throws IOException {
    setInt(Linux.SOL_PACKET, Linux.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
  }

  /** A read with nothing to read returns EAGAIN after {@code millis}. */
  void readTimeout(int millis) throws IOException {
    Linux.Scratch timeout = new Linux.Scratch(Timeval.SIZE);
    timeout.view.putLong(Timeval.USEC, millis * 1000L);
    setOption(Linux.SOL_SOCKET, Linux.SO_RCVTIMEO, timeout, "SO_RCVTIMEO");
  }

  /** Receives frames for other hosts' addresses too, for as long as the socket is open. */
  void promiscuous() throws IOException {
    Linux.Scratch request = new Linux.Scratch(PacketMreq.SIZE);
    request.view.putInt(PacketMreq.IFINDEX, ifindex);
    request.view.putShort(PacketMreq.TYPE, (short) Linux.PACKET_MR_PROMISC);
    setOption(
        Linux.SOL_PACKET,
        Linux.PACKET_ADD_MEMBERSHIP,
        request,
        "promiscuous mode on " + interfaceName);
  }

  /**
   * Joins a CPU fanout group. Group 0 asks the kernel for a new group whose id no other socket in
   * this network namespace uses; the id is returned for the other members.
   */
  int joinCpuFanout(int group) throws IOException {
    int flags = group == 0 ? Linux.PACKET_FANOUT_FLAG_UNIQUEID : 0;
    int fanout = group | ((Linux.PACKET_FANOUT_CPU | flags) << 16);
    setInt(Linux.SOL_PACKET, Linux.PACKET_FANOUT, fanout, "PACKET_FANOUT");
    Linux.Scratch s = new Linux.Scratch(8); // the group id, then its length
    s.view.putInt(4, 4);
    try {
      Linux.check(
          Linux.getsockopt(fd(), Linux.SOL_PACKET, Linux.PACKET_FANOUT, s.address, s.address + 4),
          "getsockopt(PACKET_FANOUT)");
      return s.view.getInt(0) & 0xffff;
    } finally {
      Reference.reachabilityFence(s);
    }
  }

  /**
   * Frames the kernel dropped since the last call because the buffer was full (PACKET_STATISTICS
   * resets on reading); 0 if it cannot tell.
   */
  long takeDrops() {
    if (closed) {
      return 0;
    }
    Linux.Scratch stats = new Linux.Scratch(TpacketStats.SIZE + 4);
    long length = stats.address + TpacketStats.SIZE;
    try {
      stats.view.putInt(TpacketStats.SIZE, TpacketStats.SIZE);
      int rc =
          Linux.getsockopt(fd, Linux.SOL_PACKET, Linux.PACKET_STATISTICS, stats.address, length);
      return rc < 0 ? 0 : Integer.toUnsignedLong(stats.view.getInt(TpacketStats.DROPS));
    } finally {
      Reference.reachabilityFence(stats);
    }
  }

  /**
   * recvmsg into the {@code struct msghdr} at {@code message}; on the answer path, so errno is left
   * to the caller.
   */
  long receive(long message) {
    return Linux.recvmsg(fd, message, 0);
  }

  /** send of {@code length} bytes at {@code buffer}; errno is left to the caller. */
  long send(long buffer, int length) {
    return Linux.send(fd, buffer, length, 0);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    Linux.close(fd);
  }

  @Override
  public String toString() {
    return "packet socket on " + interfaceName + (closed ? " (closed)" : "");
  }

  private int fd() throws IOException {
    if (closed) {
      throw new IOException(this + ": closed");
    }
    return fd;
  }

  private void setInt(int level, int name, int value, String what) throws IOException {
    Linux.Scratch s = new Linux.Scratch(4);
    s.view.putInt(0, value);
    setOption(level, name, s, what);
  }

  /**
   * setsockopt; {@code value} stays reachable (its memory not freed) until the kernel copied it.
   */
  private void setOption(int level, int name, Linux.Scratch value, String what) throws IOException {
    try {
      Linux.check(
          Linux.setsockopt(fd(), level, name, value.address, value.size),
          "setsockopt(" + what + ")");
    } finally {
      Reference.reachabilityFence(value);
    }
  }
}
