package io.heraldlb.speaker.transport;

import com.sun.jna.Native;
import io.heraldlb.speaker.packet.EtherTypes;
import io.heraldlb.speaker.transport.Structs.AuxData;
import io.heraldlb.speaker.transport.Structs.CmsgHdr;
import io.heraldlb.speaker.transport.Structs.IoVec;
import io.heraldlb.speaker.transport.Structs.MsgHdr;
import io.heraldlb.speaker.transport.Structs.SockaddrLl;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native memory for one thread's reads and sends, laid out once: a {@code msghdr} pointing at an
 * {@code iovec}, a {@code sockaddr_ll} and a control buffer, then the frame read and the frame
 * sent. Not thread-safe: each capture thread has its own, and the port's announcements another.
 */
final class MessageBuffer {
  private static final Logger log = LoggerFactory.getLogger(MessageBuffer.class);

  static final int SNAPLEN = 256; // enough for ARP and an NS with options behind a VLAN tag

  private static final int MSG = 0;
  private static final int IOV = 64;
  private static final int NAME = 80;
  private static final int CONTROL = 112; // one cmsghdr and its tpacket_auxdata, padded
  private static final int CONTROL_SIZE = 64;
  private static final int AUX = CONTROL + CmsgHdr.DATA;
  private static final int RX = 176;
  private static final int TX = RX + SNAPLEN;
  static final int TX_SIZE = 128;

  private final Linux.Scratch memory = new Linux.Scratch(TX + TX_SIZE);
  private final ByteBuffer view = memory.view;
  private final long base = memory.address;

  MessageBuffer() {
    view.putLong(MSG + MsgHdr.NAME, base + NAME);
    view.putLong(MSG + MsgHdr.IOV, base + IOV);
    view.putLong(MSG + MsgHdr.IOVLEN, 1);
    view.putLong(MSG + MsgHdr.CONTROL, base + CONTROL);
    view.putLong(IOV + IoVec.BASE, base + RX);
    view.putLong(IOV + IoVec.LEN, SNAPLEN);
  }

  /**
   * Reads one frame from {@code socket} into {@code into}, with the VLAN tag the kernel took off
   * put back.
   *
   * @return its length; 0 for a frame to skip (one this host sent); -errno on failure
   */
  int read(PacketSocket socket, byte[] into) {
    view.putInt(MSG + MsgHdr.NAMELEN, SockaddrLl.SIZE);
    view.putLong(MSG + MsgHdr.CONTROLLEN, CONTROL_SIZE);
    long n = socket.receive(base + MSG);
    if (n < 0) {
      return -Native.getLastError();
    }
    int length = (int) Math.min(n, SNAPLEN);
    int packetType = view.get(NAME + SockaddrLl.PKTTYPE) & 0xff;
    if (packetType == SockaddrLl.PACKET_OUTGOING || length < 14) {
      return 0;
    }
    int status = auxStatus();
    if ((status & AuxData.TP_STATUS_VLAN_VALID) == 0 || length + 4 > into.length) {
      copyIn(RX, into, 0, length);
      return length;
    }
    int tpid =
        (status & AuxData.TP_STATUS_VLAN_TPID_VALID) != 0
            ? view.getShort(AUX + AuxData.VLAN_TPID) & 0xffff
            : EtherTypes.VLAN;
    int tci = view.getShort(AUX + AuxData.VLAN_TCI) & 0xffff;
    copyIn(RX, into, 0, 12);
    into[12] = (byte) (tpid >> 8);
    into[13] = (byte) tpid;
    into[14] = (byte) (tci >> 8);
    into[15] = (byte) tci;
    copyIn(RX + 12, into, 16, length - 12);
    return length + 4;
  }

  /**
   * A byte loop, not the buffer's bulk get: that one goes through the JVM's copy routine, which has
   * gone cold between two requests and then costs 6 to 10 µs, measured in the lab; the loop is
   * compiled into this method.
   */
  private void copyIn(int from, byte[] into, int offset, int length) {
    for (int i = 0; i < length; i++) {
      into[offset + i] = view.get(from + i);
    }
  }

  /** tp_status of the PACKET_AUXDATA message, if that is what the kernel put in the control. */
  private int auxStatus() {
    boolean aux =
        view.getLong(MSG + MsgHdr.CONTROLLEN) >= CmsgHdr.DATA + AuxData.SIZE
            && view.getInt(CONTROL + CmsgHdr.LEVEL) == Linux.SOL_PACKET
            && view.getInt(CONTROL + CmsgHdr.TYPE) == Linux.PACKET_AUXDATA;
    return aux ? view.getInt(AUX + AuxData.STATUS) : 0;
  }

  /** Sends {@code length} bytes of {@code frame} on {@code socket}; false, logged, if it failed. */
  boolean send(PacketSocket socket, byte[] frame, int length) {
    if (length > TX_SIZE) {
      log.warn(
          "not sending a {}-byte frame on {}: over {}", length, socket.interfaceName(), TX_SIZE);
      return false;
    }
    for (int i = 0; i < length; i++) {
      view.put(TX + i, frame[i]); // see copyIn
    }
    long sent = socket.send(base + TX, length);
    if (sent != length) {
      log.warn("sending on {} failed: errno {}", socket.interfaceName(), Native.getLastError());
      return false;
    }
    return true;
  }
}
