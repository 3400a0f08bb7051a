package io.heraldlb.speaker.transport;

import io.heraldlb.speaker.responder.Link;
import java.io.IOException;
import java.util.BitSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One packet socket and the thread reading it with a blocking {@code recvmsg}. It is the {@link
 * Port} its handler replies through: a reply leaves on the socket, and the CPU, that read the
 * request.
 */
final class CaptureThread implements Port {
  private static final Logger log = LoggerFactory.getLogger(CaptureThread.class);

  /** How often the thread looks at its stop flag when the wire is quiet. */
  static final int READ_TIMEOUT_MS = 200;

  /**
   * The scheduler slice the thread asks for: the shortest the kernel grants, still twice what
   * answering a request takes. On Linux 6.12 and later the thread then preempts a task with the
   * default slice when a frame wakes it. Measured in the three-node lab (2 CPUs, where the client's
   * own thread holds the CPU the frame arrives on): the median reply went from 157–168 µs to
   * 110–143 µs, against the kernel's 61–77 µs in the same runs.
   */
  static final long SLICE_NANOS = 100_000;

  private final Link link;
  private final PacketSocket socket;
  private final FrameHandler handler;
  private final BitSet cpus;
  private final Thread thread;
  private final MessageBuffer buffer = new MessageBuffer();
  private final byte[] frame = new byte[MessageBuffer.SNAPLEN + 4];
  private volatile boolean running = true;
  private volatile @Nullable String problem;

  /**
   * @param index the socket's place in its fanout group, for the thread's name
   * @param cpus where the thread runs; empty for anywhere
   */
  CaptureThread(Link link, PacketSocket socket, FrameHandler handler, int index, BitSet cpus) {
    this.link = link;
    this.socket = socket;
    this.handler = handler;
    this.cpus = cpus;
    String name = "capture-" + link.name() + (index == 0 ? "" : "-" + index);
    this.thread = new Thread(this::captureLoop, name);
    thread.setDaemon(true);
  }

  PacketSocket socket() {
    return socket;
  }

  void start() {
    thread.start();
  }

  /** Asks the thread to stop; it does within {@link #READ_TIMEOUT_MS}. */
  void stop() {
    running = false;
  }

  @Override
  public Link link() {
    return link;
  }

  /** Only on this capture's thread, from its handler. */
  @Override
  public boolean send(byte[] frame, int length) {
    return buffer.send(socket, frame, length);
  }

  @Override
  public @Nullable String problem() {
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
    int length = buffer.read(socket, frame);
    if (length > 0) {
      handler.onFrame(frame, length, this);
    } else if (length < 0 && -length != Linux.EAGAIN && -length != Linux.EINTR && running) {
      problem = "capture on " + link.name() + " broke: errno " + -length;
      log.error("{}; it is reopened on the next interface scan", problem);
      running = false;
    }
  }

  /** Stops the thread, then closes the socket; a thread that does not stop keeps its socket. */
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
      // Closing the socket under a read could hand its number to the next socket opened.
      log.warn("{} did not stop; its socket is left open", thread.getName());
      return;
    }
    socket.close();
  }
}
