package io.heraldlb.speaker.transport;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;

/**
 * The C library calls behind {@link PacketSocket} and the capture threads, mapped directly (JNA's
 * fastest form: only primitive arguments, addresses as {@code long}). {@link #check} and the CPU
 * helpers turn a failed call into an {@link IOException} naming the call and errno; {@link
 * #recvmsg} and {@link #send} are on the answer path and leave errno to the caller. 64-bit Linux
 * only (struct layouts, {@code size_t}).
 */
final class Linux {
  private Linux() {}

  static {
    Native.register(Linux.class, NativeLibrary.getInstance("c"));
  }

  static final int AF_PACKET = 17;
  static final int SOCK_RAW = 3;
  static final int ETH_P_ALL = 0x0003;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVTIMEO = 20;
  static final int SO_ATTACH_FILTER = 26;
  static final int SO_DETACH_FILTER = 27;
  static final int SO_RCVBUF = 8;
  static final int PACKET_STATISTICS = 6;
  static final int SOL_PACKET = 263;
  static final int PACKET_ADD_MEMBERSHIP = 1;
  static final int PACKET_MR_PROMISC = 1;
  static final int PACKET_AUXDATA = 8;
  static final int PACKET_FANOUT = 18;
  static final int PACKET_IGNORE_OUTGOING = 23;
  static final int PACKET_FANOUT_CPU = 2;
  static final int PACKET_FANOUT_FLAG_UNIQUEID = 0x2000;
  static final int EAGAIN = 11;
  static final int EINTR = 4;

  /** {@code sizeof(cpu_set_t)} in glibc: 1,024 CPUs. */
  static final int CPU_SET_BYTES = 128;

  /** {@code struct sched_attr} as of Linux 4.13; the kernel reads and writes a shorter prefix. */
  static final int SCHED_ATTR_SIZE = 56;

  static final int SCHED_OTHER = 0;
  static final int SCHED_BATCH = 3;

  /** sched_getattr and sched_setattr, which glibc before 2.41 has no wrapper for; 0 if unknown. */
  private static final long SYS_SCHED_GETATTR;

  private static final long SYS_SCHED_SETATTR;

  static {
    String arch = System.getProperty("os.arch");
    boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm = arch.equals("aarch64") || arch.equals("arm64");
    SYS_SCHED_SETATTR = x86 ? 314 : arm ? 274 : 0;
    SYS_SCHED_GETATTR = x86 ? 315 : arm ? 275 : 0;
  }

  static native int socket(int domain, int type, int protocol);

  static native int bind(int fd, long address, int length);

  static native int setsockopt(int fd, int level, int name, long value, int length);

  static native int getsockopt(int fd, int level, int name, long value, long length);

  static native long recvmsg(int fd, long message, int flags);

  static native long send(int fd, long buffer, long length, int flags);

  static native int close(int fd);

  static native int if_nametoindex(String name);

  static native int sched_setaffinity(int pid, long size, long mask);

  static native int sched_getaffinity(int pid, long size, long mask);

  static native long syscall(long number, long a, long b, long c, long d);

  /** Scratch native memory with a little-endian-or-native view, for setup calls. */
  static final class Scratch {
    final Memory memory;
    final long address;
    final ByteBuffer view;

    final int size;

    Scratch(int size) {
      this.size = size;
      memory = new Memory(size);
      memory.clear();
      address = Pointer.nativeValue(memory);
      view = memory.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
    }
  }

  static int check(int result, String call) throws IOException {
    if (result < 0) {
      throw new IOException(call + " failed: errno " + Native.getLastError());
    }
    return result;
  }

  /** Lets the calling thread run on {@code cpus} only. */
  static void pinCurrentThread(BitSet cpus) throws IOException {
    byte[] bits = cpus.toByteArray();
    if (cpus.isEmpty() || bits.length > CPU_SET_BYTES) {
      throw new IOException("CPUs " + cpus + " are out of range");
    }
    Scratch mask = new Scratch(CPU_SET_BYTES);
    mask.view.put(0, bits);
    try {
      check(sched_setaffinity(0, CPU_SET_BYTES, mask.address), "sched_setaffinity");
    } finally {
      Reference.reachabilityFence(mask);
    }
  }

  /** The CPUs this process may run on. */
  static BitSet allowedCpus() throws IOException {
    Scratch mask = new Scratch(CPU_SET_BYTES);
    byte[] bits = new byte[CPU_SET_BYTES];
    try {
      check(sched_getaffinity(0, CPU_SET_BYTES, mask.address), "sched_getaffinity");
      mask.view.get(0, bits);
    } finally {
      Reference.reachabilityFence(mask);
    }
    return BitSet.valueOf(bits);
  }

  /**
   * Asks the scheduler for turns of {@code nanos} on the calling thread (EEVDF's custom slice,
   * Linux 6.12 and later, clamped by the kernel to 0.1 to 100 ms). A waking thread whose slice is
   * shorter than the running task's preempts it, where it would otherwise wait for that task to
   * block or use up its own turn. Needs no privilege; kernels without custom slices ignore it.
   *
   * @return the slice the kernel now reports for the thread, in ns; 0 where it reports none
   * @throws IOException if the call fails, or the thread's policy is not SCHED_OTHER or BATCH
   */
  static long requestSlice(long nanos) throws IOException {
    Scratch attr = new Scratch(SCHED_ATTR_SIZE);
    try {
      getAttr(attr);
      int policy = attr.view.getInt(4);
      if (policy != SCHED_OTHER && policy != SCHED_BATCH) {
        throw new IOException("scheduling policy " + policy + " is left as it is");
      }
      attr.view.putLong(24, nanos); // sched_runtime: the slice, for these policies
      check((int) syscall(SYS_SCHED_SETATTR, 0, attr.address, 0, 0), "sched_setattr");
      getAttr(attr);
      return attr.view.getLong(24);
    } finally {
      Reference.reachabilityFence(attr);
    }
  }

  /** The calling thread's slice as the kernel reports it, in ns; 0 where it reports none. */
  static long slice() throws IOException {
    Scratch attr = new Scratch(SCHED_ATTR_SIZE);
    try {
      getAttr(attr);
      return attr.view.getLong(24);
    } finally {
      Reference.reachabilityFence(attr);
    }
  }

  private static void getAttr(Scratch attr) throws IOException {
    if (SYS_SCHED_GETATTR == 0) {
      throw new IOException(
          "sched_getattr: no system call number for " + System.getProperty("os.arch"));
    }
    check((int) syscall(SYS_SCHED_GETATTR, 0, attr.address, attr.size, 0), "sched_getattr");
  }
}
