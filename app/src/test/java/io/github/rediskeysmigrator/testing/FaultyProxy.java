package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy between the tool and a real redis-server that breaks the link on purpose: it cuts
 * every connection after a given number of bytes (or on demand), stalls (stops forwarding but keeps
 * the sockets open) and slows the link down (bytes per second, latency per chunk).
 *
 * <p>Faults are triggered by byte counts rather than by time, so a test means the same thing on a
 * loaded machine as on an idle one. Bytes that cross the cut threshold are not forwarded: the
 * server sees exactly the first {@code N} bytes, and whatever it received before the cut it applies
 * (the upstream socket is closed normally, after the data).
 */
public final class FaultyProxy implements AutoCloseable {
  /** Which way bytes flow. */
  public enum Direction {
    /** From the tool to the server: commands. */
    TO_SERVER,
    /** From the server to the tool: replies. */
    TO_CLIENT
  }

  private static final int CHUNK = 16 * 1024;

  private final int upstreamPort;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final List<Link> links = new ArrayList<>();
  private final Object lock = new Object();
  // Guarded by lock.
  private final long[] forwarded = new long[2];
  private final long[] cutAt = {-1, -1};
  private final long[] stallAt = {-1, -1};
  private final boolean[] stalled = new boolean[2];
  private long bytesPerSecond;
  private long latencyMillis;
  // Per direction, on top of latencyMillis: see delay(Direction, long).
  private final long[] directionLatency = new long[2];
  private int accepted;
  private int cuts;
  private boolean closed;

  private FaultyProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "faulty-proxy-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy in front of {@code server}, forwarding faithfully until told otherwise. */
  public static FaultyProxy to(RedisServer server) {
    try {
      return new FaultyProxy(server.port());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** {@code redis://127.0.0.1:port} of the proxy. */
  public String uri() {
    return "redis://127.0.0.1:" + port();
  }

  /**
   * Once {@code bytes} more bytes have been forwarded in {@code direction} (counted from now),
   * every connection is cut: the bytes up to the threshold are delivered, the rest are dropped.
   */
  public void cutAfter(Direction direction, long bytes) {
    synchronized (lock) {
      cutAt[direction.ordinal()] = forwarded[direction.ordinal()] + bytes;
    }
  }

  /**
   * Once {@code bytes} more bytes have been forwarded in {@code direction}, that direction stalls:
   * nothing more flows that way, and the sockets stay open, until {@link #resume()}.
   */
  public void stallAfter(Direction direction, long bytes) {
    synchronized (lock) {
      stallAt[direction.ordinal()] = forwarded[direction.ordinal()] + bytes;
    }
  }

  /** Cuts every open connection now. */
  public void cutNow() {
    synchronized (lock) {
      cutLocked();
    }
  }

  /** Stops forwarding in {@code direction}, for open and new connections alike. */
  public void stall(Direction direction) {
    synchronized (lock) {
      stalled[direction.ordinal()] = true;
      lock.notifyAll();
    }
  }

  /** Stops forwarding both ways. */
  public void stall() {
    stall(Direction.TO_SERVER);
    stall(Direction.TO_CLIENT);
  }

  /** Forwards again both ways, starting with what was held back. */
  public void resume() {
    synchronized (lock) {
      stalled[0] = false;
      stalled[1] = false;
      lock.notifyAll();
    }
  }

  /**
   * Slows both directions: at most {@code bytesPerSecond} each way (0: no limit), and {@code
   * latencyMillis} of delay before each chunk is passed on.
   */
  public void slow(long bytesPerSecond, long latencyMillis) {
    synchronized (lock) {
      this.bytesPerSecond = bytesPerSecond;
      this.latencyMillis = latencyMillis;
    }
  }

  /**
   * Holds every chunk going {@code direction} for {@code millis} before passing it on (0: no more),
   * e.g. a destination whose replies come late; the other direction flows as before.
   */
  public void delay(Direction direction, long millis) {
    synchronized (lock) {
      directionLatency[direction.ordinal()] = millis;
    }
  }

  /** Bytes passed on in {@code direction} so far. */
  public long forwarded(Direction direction) {
    synchronized (lock) {
      return forwarded[direction.ordinal()];
    }
  }

  /** Whether {@code direction} is stalled (by {@link #stall} or a reached stall threshold). */
  public boolean isStalled(Direction direction) {
    synchronized (lock) {
      return stalled[direction.ordinal()];
    }
  }

  /** Connections accepted so far. */
  public int connections() {
    synchronized (lock) {
      return accepted;
    }
  }

  /** How many times the connections were cut. */
  public int cuts() {
    synchronized (lock) {
      return cuts;
    }
  }

  /** Waits until {@code direction} has forwarded at least {@code bytes} in all. */
  public void awaitForwarded(Direction direction, long bytes, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (lock) {
      while (forwarded[direction.ordinal()] < bytes) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new AssertionError(
              "the proxy forwarded only "
                  + forwarded[direction.ordinal()]
                  + " bytes "
                  + direction
                  + " within "
                  + timeoutMillis
                  + " ms, expected "
                  + bytes);
        }
        lock.wait(left);
      }
    }
  }

  /**
   * Waits until nothing has been forwarded in {@code direction} for {@code quietMillis}: the peer
   * has sent all it will send before it waits for something.
   */
  public void awaitQuiet(Direction direction, long quietMillis) throws InterruptedException {
    long last = -1;
    long now = forwarded(direction);
    while (now != last) {
      last = now;
      Thread.sleep(quietMillis);
      now = forwarded(direction);
    }
  }

  private void acceptLoop() {
    while (true) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket server;
      try {
        server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client);
        continue;
      }
      Link link = new Link(client, server);
      synchronized (lock) {
        if (closed) {
          closeQuietly(client);
          closeQuietly(server);
          return;
        }
        accepted++;
        links.add(link);
      }
      start(link, client, server, Direction.TO_SERVER);
      start(link, server, client, Direction.TO_CLIENT);
    }
  }

  /** One proxied connection: the tool's socket and ours to the server. */
  private static final class Link {
    final Socket client;
    final Socket server;
    // Guarded by the proxy's lock.
    boolean cut;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }
  }

  private void start(Link link, Socket from, Socket to, Direction direction) {
    Thread t =
        new Thread(
            () -> pump(link, from, to, direction), "faulty-proxy-" + direction + "-" + port());
    t.setDaemon(true);
    t.start();
  }

  private void pump(Link link, Socket from, Socket to, Direction direction) {
    int d = direction.ordinal();
    byte[] buf = new byte[CHUNK];
    // The streams are not closed on the way out (that would close the sockets): which socket
    // closes when is decided in finally.
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        int n = in.read(buf, 0, chunkSize());
        if (n >= 0 && isCut(link)) {
          // The server's replies after a cut are read and dropped until it closes its side, so
          // that closing our socket never resets what the server has not read yet.
          continue;
        }
        if (n < 0) {
          // The peer closed its side: pass the end on, so the other peer sees it too.
          to.shutdownOutput();
          return;
        }
        int off = 0;
        while (off < n) {
          int allowed = awaitPermission(link, d, n - off);
          if (allowed < 0) {
            if (direction == Direction.TO_CLIENT && isCut(link)) {
              break; // dropped; the loop drains the server until it closes
            }
            return; // cut, or the proxy is closing
          }
          delay(d, allowed);
          out.write(buf, off, allowed);
          out.flush();
          synchronized (lock) {
            forwarded[d] += allowed;
            lock.notifyAll();
            if (cutAt[d] >= 0 && forwarded[d] >= cutAt[d]) {
              cutAt[d] = -1;
              cutLocked();
              return;
            }
            if (stallAt[d] >= 0 && forwarded[d] >= stallAt[d]) {
              stallAt[d] = -1;
              stalled[d] = true;
            }
          }
          off += allowed;
        }
      }
    } catch (SocketException e) {
      // A cut or the peer's close: this direction is over.
    } catch (IOException e) {
      // Same: the connection broke while we were passing bytes on.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (!isCut(link)) {
        closeQuietly(from);
        closeQuietly(to);
      } else if (direction == Direction.TO_CLIENT) {
        // The server has closed its side after the cut: nothing of ours is left unread there.
        closeQuietly(link.server);
      }
    }
  }

  private boolean isCut(Link link) {
    synchronized (lock) {
      return link.cut;
    }
  }

  /**
   * Waits while the direction is stalled; then how many of {@code want} bytes may go before a cut
   * or stall threshold, or -1 once this connection has been cut.
   */
  private int awaitPermission(Link link, int d, int want) throws InterruptedException {
    synchronized (lock) {
      while (stalled[d] && !link.cut && !closed) {
        lock.wait(100);
      }
      if (link.cut || closed) {
        return -1;
      }
      long limit = want;
      if (cutAt[d] >= 0) {
        limit = Math.min(limit, cutAt[d] - forwarded[d]);
      }
      if (stallAt[d] >= 0) {
        limit = Math.min(limit, stallAt[d] - forwarded[d]);
      }
      return (int) Math.max(limit, 1);
    }
  }

  private int chunkSize() {
    synchronized (lock) {
      if (bytesPerSecond > 0) {
        // Small chunks keep a throttled link smooth: about 20 per second.
        return (int) Math.max(1, Math.min(CHUNK, bytesPerSecond / 20));
      }
      return CHUNK;
    }
  }

  private void delay(int d, int bytes) throws InterruptedException {
    long rate;
    long latency;
    synchronized (lock) {
      rate = bytesPerSecond;
      latency = latencyMillis + directionLatency[d];
    }
    long millis = latency + (rate > 0 ? bytes * 1000L / rate : 0);
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  /**
   * The tool's side is closed at once. The server's side gets an orderly end after the bytes it was
   * sent (so it applies them), and is closed once the server has closed it too.
   */
  private void cutLocked() {
    cuts++;
    for (Link link : links) {
      link.cut = true;
      closeQuietly(link.client);
      try {
        link.server.shutdownOutput();
      } catch (IOException e) {
        closeQuietly(link.server);
      }
    }
    links.clear();
    lock.notifyAll();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Closing a socket that broke already: nothing left to release.
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      for (Link link : links) {
        link.cut = true;
        closeQuietly(link.client);
        closeQuietly(link.server);
      }
      links.clear();
      lock.notifyAll();
    }
    try {
      listener.close();
      acceptor.join(5000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
