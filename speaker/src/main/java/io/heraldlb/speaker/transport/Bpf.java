package io.heraldlb.speaker.transport;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;

/**
 * Compiles a capture filter expression with libpcap and attaches it to a socket, so that the kernel
 * drops everything else before it wakes a capture thread.
 */
final class Bpf {
  private Bpf() {}

  /** The name pcap4j (in the lab tools) uses too; JNA finds {@code libpcap.so.0.8}. */
  private static final String LIBRARY = System.getProperty("heraldlb.pcap-library", "pcap");

  private static final int DLT_EN10MB = 1;
  private static final int NETMASK_UNKNOWN = 0xffffffff;

  private static final class Pcap {
    static {
      Native.register(Pcap.class, NativeLibrary.getInstance(LIBRARY));
    }

    static native int pcap_compile_nopcap(
        int snaplen, int linkType, long program, String expression, int optimize, int netmask);

    static native void pcap_freecode(long program);
  }

  /** Attaches a filter that accepts nothing: {@code ret #0}. */
  static void attachRejectAll(int fd) throws IOException {
    Linux.Scratch program = new Linux.Scratch(8); // one struct sock_filter, all zero but the code
    program.view.putShort(0, (short) 0x06); // BPF_RET | BPF_K
    attachProgram(fd, 1, program.address);
  }

  /** Attaches {@code expression}, compiled for Ethernet, keeping at most {@code snaplen} bytes. */
  static void attach(int fd, String expression, int snaplen) throws IOException {
    Linux.Scratch program = new Linux.Scratch(16); // struct bpf_program { u_int len; insn *insns; }
    try {
      if (Pcap.pcap_compile_nopcap(
              snaplen, DLT_EN10MB, program.address, expression, 1, NETMASK_UNKNOWN)
          != 0) {
        throw new IOException("libpcap cannot compile the capture filter '" + expression + "'");
      }
    } catch (UnsatisfiedLinkError e) {
      throw new IOException("cannot load libpcap (Debian: libpcap0.8): " + e.getMessage(), e);
    }
    try {
      // bpf_insn and sock_filter have the same layout.
      attachProgram(fd, program.view.getInt(0), program.view.getLong(8));
    } finally {
      Pcap.pcap_freecode(program.address);
    }
  }

  /** Attaching replaces the socket's filter at once: no frame sees neither. */
  private static void attachProgram(int fd, int length, long instructions) throws IOException {
    Linux.Scratch fprog = new Linux.Scratch(16); // struct sock_fprog { u16 len; filter *f; }
    fprog.view.putShort(0, (short) length);
    fprog.view.putLong(8, instructions);
    Linux.check(
        Linux.setsockopt(fd, Linux.SOL_SOCKET, Linux.SO_ATTACH_FILTER, fprog.address, 16),
        "setsockopt(SO_ATTACH_FILTER)");
  }
}
