package io.heraldlb.speaker.transport;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Attaches a {@link CaptureFilter} program to a socket, so that the kernel drops everything else
 * before it wakes a capture thread.
 */
final class Bpf {
  private Bpf() {}

  /** Writes {@code program} as {@code struct sock_filter[]} (the layout of libpcap's bpf_insn). */
  static void encode(List<CaptureFilter.Insn> program, ByteBuffer into) {
    for (int i = 0; i < program.size(); i++) {
      CaptureFilter.Insn insn = program.get(i);
      into.putShort(8 * i, (short) insn.code());
      into.put(8 * i + 2, (byte) insn.jt());
      into.put(8 * i + 3, (byte) insn.jf());
      into.putInt(8 * i + 4, insn.k());
    }
  }

  /** Removes the socket's filter: it captures every frame. Never throws. */
  static void detach(int fd) {
    Linux.Scratch unused = new Linux.Scratch(4);
    try {
      Linux.setOption(fd, Linux.SOL_SOCKET, Linux.SO_DETACH_FILTER, unused, "SO_DETACH_FILTER");
    } catch (IOException e) {
      // ENOENT: none attached; nothing else can fail here
    }
  }

  /** Attaching replaces the socket's filter at once: no frame sees neither. */
  static void attach(int fd, List<CaptureFilter.Insn> program) throws IOException {
    Linux.Scratch insns = new Linux.Scratch(8 * program.size());
    encode(program, insns.view);
    Linux.Scratch fprog = new Linux.Scratch(16); // struct sock_fprog { u16 len; filter *f; }
    fprog.view.putShort(0, (short) program.size());
    fprog.view.putLong(8, insns.address);
    try {
      Linux.setOption(fd, Linux.SOL_SOCKET, Linux.SO_ATTACH_FILTER, fprog, "SO_ATTACH_FILTER");
    } finally {
      Reference.reachabilityFence(insns);
    }
  }
}
