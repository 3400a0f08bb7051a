package io.heraldlb.speaker.transport;

/**
 * The kernel structures the packet socket reads and writes in native memory, as byte offsets of
 * their fields on 64-bit Linux (pointers and {@code size_t} are 8 bytes). One class per struct, so
 * that code reads {@code MsgHdr.CONTROLLEN}, not {@code MSG + 40}.
 */
final class Structs {
  private Structs() {}

  /** {@code struct msghdr}: what recvmsg fills. */
  static final class MsgHdr {
    private MsgHdr() {}

    static final int NAME = 0; // void *msg_name
    static final int NAMELEN = 8; // socklen_t
    static final int IOV = 16; // struct iovec *
    static final int IOVLEN = 24; // size_t
    static final int CONTROL = 32; // void *msg_control
    static final int CONTROLLEN = 40; // size_t: in, the buffer; out, what the kernel wrote
    static final int SIZE = 56;
  }

  /** {@code struct iovec}. */
  static final class IoVec {
    private IoVec() {}

    static final int BASE = 0;
    static final int LEN = 8;
    static final int SIZE = 16;
  }

  /** {@code struct sockaddr_ll}: where a packet socket binds, and where a frame came from. */
  static final class SockaddrLl {
    private SockaddrLl() {}

    static final int FAMILY = 0; // u16
    static final int PROTOCOL = 2; // u16, network byte order
    static final int IFINDEX = 4; // int
    static final int PKTTYPE = 10; // u8: PACKET_HOST, PACKET_OUTGOING, ...
    static final int SIZE = 20;

    static final int PACKET_OUTGOING = 4;
  }

  /** {@code struct cmsghdr}, the head of one control message. */
  static final class CmsgHdr {
    private CmsgHdr() {}

    static final int LEVEL = 8; // int
    static final int TYPE = 12; // int
    static final int DATA = 16; // where the message's own struct starts
  }

  /** {@code struct tpacket_auxdata}: PACKET_AUXDATA's message, with the tag the device took off. */
  static final class AuxData {
    private AuxData() {}

    static final int STATUS = 0; // u32
    static final int VLAN_TCI = 16; // u16
    static final int VLAN_TPID = 18; // u16
    static final int SIZE = 20;

    static final int TP_STATUS_VLAN_VALID = 0x10;
    static final int TP_STATUS_VLAN_TPID_VALID = 0x40;
  }

  /** {@code struct sock_fprog}: a classic BPF program for SO_ATTACH_FILTER. */
  static final class SockFprog {
    private SockFprog() {}

    static final int LEN = 0; // u16: instructions
    static final int FILTER = 8; // struct sock_filter *
    static final int SIZE = 16;
    static final int INSN_SIZE = 8; // struct sock_filter { u16 code; u8 jt, jf; u32 k; }
  }

  /** {@code struct packet_mreq}: a membership, here promiscuous mode. */
  static final class PacketMreq {
    private PacketMreq() {}

    static final int IFINDEX = 0; // int
    static final int TYPE = 4; // u16
    static final int SIZE = 16;
  }

  /** {@code struct timeval}. */
  static final class Timeval {
    private Timeval() {}

    static final int USEC = 8; // long tv_usec, after long tv_sec
    static final int SIZE = 16;
  }

  /** {@code struct tpacket_stats}, with the socklen_t getsockopt writes its length to behind it. */
  static final class TpacketStats {
    private TpacketStats() {}

    static final int DROPS = 4; // u32, after u32 tp_packets
    static final int SIZE = 8;
  }
}
