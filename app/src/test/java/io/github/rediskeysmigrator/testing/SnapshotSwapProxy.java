package io.github.rediskeysmigrator.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a real master that hands a replica another snapshot: after the master's
 * {@code +FULLRESYNC} reply, the RDB it sends ({@code $<length>} and the bytes; the master must run
 * with {@code repl-diskless-sync no}) is replaced by {@code rdb}. Everything else passes through,
 * so the handshake, INFO and COMMAND are the real server's. For sources no server here can be: an
 * RDB version newer than every redis-server at hand (Redis 8.6's RDB 13).
 */
public final class SnapshotSwapProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final RedisServer master;
  private final byte[] rdb;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile int swapped;

  private SnapshotSwapProxy(RedisServer master, byte[] rdb) throws IOException {
    this.master = master;
    this.rdb = rdb.clone();
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "snapshot-swap-accept");
    t.setDaemon(true);
    t.start();
  }

  /** A proxy in front of {@code master} that replaces its snapshot by {@code rdb}. */
  public static SnapshotSwapProxy to(RedisServer master, byte[] rdb) throws IOException {
    return new SnapshotSwapProxy(master, rdb);
  }

  /** {@code redis://127.0.0.1:port} of the proxy. */
  public String uri() {
    return "redis://127.0.0.1:" + listener.getLocalPort();
  }

  /** How many snapshots were replaced so far. */
  public int swapped() {
    return swapped;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), master.port());
        sockets.add(client);
        sockets.add(server);
        pump("to-server", client.getInputStream(), server.getOutputStream(), false);
        pump("to-client", server.getInputStream(), client.getOutputStream(), true);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(String name, InputStream raw, OutputStream out, boolean swap) {
    InputStream in = swap ? new java.io.BufferedInputStream(raw) : raw;
    Thread t =
        new Thread(
            () -> {
              try {
                if (swap) {
                  forwardSwapping(in, out);
                }
                in.transferTo(out);
              } catch (IOException e) {
                // the other side closed: this connection is over
              } finally {
                closeQuietly(in, out);
              }
            },
            "snapshot-swap-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** Forwards line by line up to the snapshot, replaces it, then returns. */
  private void forwardSwapping(InputStream in, OutputStream out) throws IOException {
    while (true) {
      byte[] line = line(in);
      if (line == null) {
        return;
      }
      out.write(line);
      out.flush();
      if (new String(line, StandardCharsets.ISO_8859_1).startsWith("+FULLRESYNC")) {
        break;
      }
    }
    byte[] header;
    do {
      header = line(in); // "\n" keep-alives while the master saves, then "$<length>\r\n"
      if (header == null) {
        return;
      }
      if (header.length == 1) {
        out.write(header);
        out.flush();
      }
    } while (header.length == 1);
    String text = new String(header, StandardCharsets.ISO_8859_1).trim();
    if (!text.startsWith("$") || text.startsWith("$EOF:")) {
      throw new IOException("the master sent its snapshot as " + text + ", not $<length>");
    }
    in.skipNBytes(Long.parseLong(text.substring(1)));
    out.write(("$" + rdb.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(rdb);
    out.flush();
    swapped++;
  }

  /** The bytes up to and including the next '\n', or null at the end of the stream. */
  private static byte[] line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      if (c == '\n') {
        return b.toByteArray();
      }
    }
    return b.size() == 0 ? null : b.toByteArray();
  }

  private static void closeQuietly(AutoCloseable... all) {
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        // closing a socket that is already gone
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
