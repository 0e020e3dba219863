package io.github.rediskeysmigrator.source;

import com.moilioncircle.redis.replicator.AbstractReplicator;
import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisSocketReplicator;
import com.moilioncircle.redis.replicator.util.Strings;
import io.github.rediskeysmigrator.core.RedisUri;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis Replicator's replica connection, with five fixes.
 *
 * <ul>
 *   <li>A stop that takes effect at once. Its own {@code close()} only raises a flag that the
 *       stream loop looks at after the next command arrives, and a quiet source sends one only
 *       every ten seconds (the replication PING); closing the socket as well ends the blocked read
 *       now. The flag is raised first, so the retry logic does not reconnect.
 *   <li>A refused PSYNC ends the run. Replicator 3.11.0 answers any PSYNC reply it does not know
 *       (such as {@code -NOPERM} from an ACL without {@code +psync}) by sending SYNC, fails on its
 *       error reply with an IOException, and retries that for ever (upstream: {@code
 *       RedisSocketReplicator.trySync}). An error reply is thrown here as {@link Refused}, which
 *       the retry loop does not catch. Except {@code -ERR BGSAVE failed}: the source could not
 *       start its snapshot this time, which counts as a snapshot it broke off.
 *   <li>The replica says which snapshot format it reads ({@code REPLCONF VERSION}, see {@link
 *       #ANNOUNCED_VERSION}); Replicator 3.11.0's handshake ({@code establishConnection}) sends
 *       only {@code capa eof} and {@code capa psync2}.
 *   <li>A snapshot the source breaks off again and again ends the run after --retries (see {@link
 *       SnapshotAttempts}); Replicator's retry counter starts again at each connection (upstream:
 *       {@code AbstractReplicatorRetrier.retry} calls {@code reset()} after every {@code
 *       connect()}), so it would ask for ever.
 * </ul>
 */
final class StoppableReplicator extends RedisSocketReplicator {
  private static final Logger log = LoggerFactory.getLogger(StoppableReplicator.class);

  /**
   * The version this replica announces: Valkey 9 sends its snapshot as {@code VALKEY080} (RDB 80,
   * which {@link io.github.rediskeysmigrator.rdb.PayloadRdbVisitor} reads) to a replica that
   * announces 9.0.0 or later, and as RDB 11 to one that announces an older version or none; RDB 11
   * cannot hold a hash with field TTLs, so that snapshot fails ("Can't store key (db 0) in RDB
   * version 11"). 9.0.0 and not a newer number: a later Valkey maps newer numbers to formats we may
   * not read. Valkey 8 and Redis ignore the number for the snapshot (Redis answers with an error,
   * which is harmless: Valkey's own replicas send it to every primary).
   */
  static final String ANNOUNCED_VERSION = "9.0.0";

  /** Redis' and Valkey's answer to PSYNC when they cannot start the snapshot's BGSAVE. */
  private static final String BGSAVE_FAILED = "ERR BGSAVE failed";

  private final SnapshotAttempts snapshots;
  private final Function<RedisUri, RedisUri> moved;
  private boolean connectedBefore;

  /**
   * @param moved the new master when the one at the given address is no longer it, else null; asked
   *     before each reconnect (null: never moves)
   */
  StoppableReplicator(
      String host,
      int port,
      Configuration configuration,
      SnapshotAttempts snapshots,
      Function<RedisUri, RedisUri> moved) {
    super(host, port, configuration);
    this.snapshots = snapshots;
    this.moved = moved;
  }

  /** The master moved to {@link #master()}: the stream continues there with a new replicator. */
  static final class MasterMoved extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient RedisUri master;

    MasterMoved(RedisUri master) {
      super("the master is now " + master.address());
      this.master = master;
    }

    RedisUri master() {
      return master;
    }
  }

  @Override
  protected void connect() throws IOException {
    // A reconnect to a master that failed over would only find it dead, or a replica now.
    if (connectedBefore && moved != null) {
      RedisUri master = moved.apply(new RedisUri(host, port, -1, null, null, false));
      if (master != null) {
        throw new MasterMoved(master);
      }
    }
    connectedBefore = true;
    super.connect();
  }

  /** The source answered PSYNC with an error: retrying cannot help. */
  static final class Refused extends RuntimeException {
    Refused(String reply) {
      super(reply);
    }
  }

  @Override
  protected void establishConnection() throws IOException {
    super.establishConnection();
    send(ascii("REPLCONF"), ascii("version"), ascii(ANNOUNCED_VERSION));
    String reply = Strings.toString(reply());
    if (!"OK".equals(reply)) {
      log.info(
          "source {}:{} answered REPLCONF VERSION {} with '{}': it sends its snapshot in its own"
              + " format",
          host,
          port,
          ANNOUNCED_VERSION,
          reply);
    }
  }

  @Override
  protected SyncMode trySync(String reply) throws IOException {
    if (reply.startsWith(BGSAVE_FAILED)) {
      // The source could not start its snapshot (fork or pipe failed): like one it broke off.
      IOException e = new IOException("it answered PSYNC with '" + reply + "'");
      brokeOff(e, e);
      throw e;
    }
    if (reply.startsWith("NOPERM") || reply.startsWith("ERR") || reply.startsWith("WRONGPASS")) {
      throw new Refused(reply);
    }
    return super.trySync(reply);
  }

  @Override
  protected void parseDump(AbstractReplicator replicator) throws IOException {
    try {
      super.parseDump(replicator);
    } catch (IOException e) {
      brokeOff(e, e);
      throw e;
    } catch (UncheckedIOException e) {
      brokeOff(e.getCause(), e);
      throw e;
    }
    snapshots.arrived();
  }

  private void brokeOff(IOException cause, Exception thrown) {
    if (manual.get() || cancelled(cause)) {
      return; // stopped or cancelled by us, not broken off by the source
    }
    try {
      snapshots.brokeOff(reason(cause));
    } catch (SnapshotAttempts.GaveUp e) {
      e.addSuppressed(thrown);
      throw e;
    }
  }

  /** Our own cancellation (see PsyncSource); a read timeout is an InterruptedIOException too. */
  private static boolean cancelled(IOException cause) {
    return cause instanceof InterruptedIOException && !(cause instanceof SocketTimeoutException);
  }

  /** What the source did, in the user's words. */
  static String reason(IOException cause) {
    if (cause instanceof EOFException) {
      return "it closed the connection";
    }
    if (cause instanceof SocketTimeoutException) {
      return "it sent nothing for the read timeout (--timeout, at least 60 s)";
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Stops the stream now; {@code open()} returns shortly after. */
  void stopNow() throws IOException {
    close();
    Socket s = socket;
    if (s != null) {
      s.close();
    }
  }
}
