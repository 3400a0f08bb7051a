package io.heraldlb.speaker.membership;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.jgroups.util.DefaultSocketFactory;

/**
 * The sockets of the speaker group's TCP transport: TLS 1.3, both sides presenting the group's
 * certificate ({@link MembershipKeys}). A server socket finishes each handshake as it accepts, so a
 * stranger is turned away before JGroups reads a byte from it, and each refusal is told. The
 * failure detector's connections ({@code FD_SOCK2}, NIO channels) stay plain: they carry no group
 * messages, only the fact that a member's socket closed.
 */
final class GroupSockets extends DefaultSocketFactory {
  /** A handshake that takes longer is refused: JGroups' acceptor waits for it. */
  static final int HANDSHAKE_TIMEOUT_MS = 2000;

  private static final String[] PROTOCOLS = {"TLSv1.3"};

  private final MembershipKeys.Refusals refusals;

  GroupSockets(SSLContext context, MembershipKeys.Refusals refusals) {
    super(context);
    this.refusals = refusals;
    setServerSocketConfigurator(
        s -> {
          SSLParameters p = ((SSLServerSocket) s).getSSLParameters();
          p.setProtocols(PROTOCOLS);
          p.setNeedClientAuth(true);
          ((SSLServerSocket) s).setSSLParameters(p);
        });
    setSocketConfigurator(
        s -> {
          SSLParameters p = ((SSLSocket) s).getSSLParameters();
          p.setProtocols(PROTOCOLS);
          ((SSLSocket) s).setSSLParameters(p);
        });
  }

  @Override
  public ServerSocket createServerSocket(String name) throws IOException {
    return new Handshaking((SSLServerSocket) super.createServerSocket(name), refusals);
  }

  @Override
  public ServerSocket createServerSocket(String name, int port) throws IOException {
    return new Handshaking((SSLServerSocket) super.createServerSocket(name, port), refusals);
  }

  @Override
  public ServerSocket createServerSocket(String name, int port, int backlog) throws IOException {
    return new Handshaking(
        (SSLServerSocket) super.createServerSocket(name, port, backlog), refusals);
  }

  @Override
  public ServerSocket createServerSocket(String name, int port, int backlog, InetAddress bind)
      throws IOException {
    return new Handshaking(
        (SSLServerSocket) super.createServerSocket(name, port, backlog, bind), refusals);
  }

  /** An SSL server socket whose {@code accept} returns only peers that completed the handshake. */
  static final class Handshaking extends ServerSocket {
    private final SSLServerSocket inner;
    private final MembershipKeys.Refusals refusals;

    Handshaking(SSLServerSocket inner, MembershipKeys.Refusals refusals) throws IOException {
      this.inner = inner;
      this.refusals = refusals;
    }

    @Override
    public Socket accept() throws IOException {
      SSLSocket s = (SSLSocket) inner.accept();
      try {
        s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
        s.startHandshake();
        s.setSoTimeout(0);
        return s;
      } catch (IOException e) {
        refusals.refused(
            MembershipKeys.Refusals.HANDSHAKE,
            "TLS handshake with " + s.getRemoteSocketAddress() + " failed: " + e.getMessage());
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a failed handshake: nothing more to do
        }
        throw new SocketException("refused " + s.getRemoteSocketAddress() + ": " + e.getMessage());
      }
    }

    @Override
    public void bind(SocketAddress endpoint) throws IOException {
      inner.bind(endpoint);
    }

    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
      inner.bind(endpoint, backlog);
    }

    @Override
    public InetAddress getInetAddress() {
      return inner.getInetAddress();
    }

    @Override
    public int getLocalPort() {
      return inner.getLocalPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
      return inner.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
      inner.close();
      super.close();
    }

    @Override
    public boolean isBound() {
      return inner.isBound();
    }

    @Override
    public boolean isClosed() {
      return inner.isClosed();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
      inner.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws IOException {
      return inner.getSoTimeout();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
      inner.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
      return inner.getReuseAddress();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
      inner.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
      return inner.getReceiveBufferSize();
    }

    @Override
    public String toString() {
      return "TLS " + inner;
    }
  }
}
