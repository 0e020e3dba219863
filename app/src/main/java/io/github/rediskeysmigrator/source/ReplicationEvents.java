package io.github.rediskeysmigrator.source;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.cmd.impl.DefaultCommand;
import com.moilioncircle.redis.replicator.cmd.impl.SelectCommand;
import com.moilioncircle.redis.replicator.event.Event;
import com.moilioncircle.redis.replicator.event.PostRdbSyncEvent;
import com.moilioncircle.redis.replicator.event.PreCommandSyncEvent;
import com.moilioncircle.redis.replicator.event.PreRdbSyncEvent;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpFunction;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;
import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeySink;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.PayloadFile;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.core.SyncPoint;
import io.github.rediskeysmigrator.rdb.PayloadRdbVisitor;
import io.github.rediskeysmigrator.rdb.RdbTypes;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns one replication stream's events (Redis Replicator's snapshot pairs, sync markers and raw
 * commands) into pipeline events, and keeps where the stream stands; {@link PsyncSource} owns the
 * replicator's lifecycle around it.
 */
final class ReplicationEvents {
  /** Not applied at the destination: connection and replication chatter. */
  private static final Set<String> NOT_FORWARDED = Set.of("PING", "REPLCONF", "SELECT");

  /**
   * What the stream follows: {@code from}, named {@code stream} in resume points ("" for the only
   * one), from {@code resumeFrom} (null for a fresh start), stopping after the snapshot with {@code
   * snapshotOnly}, and accepting a full resync where a partial one was due with {@code
   * fullResyncAllowed}.
   */
  record Follow(
      RedisUri from,
      String stream,
      SyncPoint resumeFrom,
      boolean snapshotOnly,
      boolean fullResyncAllowed) {}

  private final KeySink sink;
  private Configuration conf;
  private PayloadRdbVisitor visitor;
  private final Follow follow;
  private final Runnable stop;
  private final List<byte[]> functions = new CopyOnWriteArrayList<>();
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong commandsSeen = new AtomicLong();
  private int db;
  private boolean streaming;
  private volatile long sourceOffset = -1;
  private volatile boolean inSnapshot;
  private final FirstFailure failure = new FirstFailure();
  private volatile boolean done;

  /**
   * @param stop stops the replicator (once the snapshot is over, with {@code snapshotOnly})
   */
  ReplicationEvents(
      KeySink sink, Configuration conf, PayloadRdbVisitor visitor, Follow follow, Runnable stop) {
    this.sink = sink;
    this.conf = conf;
    this.visitor = visitor;
    this.follow = follow;
    this.stop = stop;
    this.db = follow.resumeFrom() == null ? -1 : follow.resumeFrom().db();
  }

  /**
   * The stream goes on through a new replicator (to the master that took the old one's place): its
   * configuration and snapshot visitor.
   */
  void attach(Configuration newConf, PayloadRdbVisitor newVisitor) {
    this.conf = newConf;
    this.visitor = newVisitor;
  }

  /** Whether the command stream has started (the snapshot, if any, was read whole). */
  boolean streaming() {
    return streaming;
  }

  /** The db the stream's commands are in now, -1 before any SELECT. */
  int db() {
    return db;
  }

  /** The snapshot's function libraries read so far. */
  List<byte[]> functionLibraries() {
    return List.copyOf(functions);
  }

  /** The offset of the last event read, or -1 before the command stream started. */
  long sourceOffset() {
    return sourceOffset;
  }

  /** Whether the snapshot is being read. */
  boolean inSnapshot() {
    return inSnapshot;
  }

  /** Times the command stream started (1 at the first start, one more per resync). */
  long syncs() {
    return syncs.get();
  }

  /** Writes the source has streamed so far (commands other than PING, REPLCONF and SELECT). */
  long commandsSeen() {
    return commandsSeen.get();
  }

  /** Why the stream failed, or null. */
  Throwable failure() {
    return failure.get();
  }

  /** Whether the stream ended as a completed run. */
  boolean done() {
    return done;
  }

  /** Ends the stream as a completed run. */
  void markDone() {
    done = true;
  }

  void onEvent(Replicator rep, Event event) {
    try {
      handle(rep, event);
    } catch (InterruptedException e) {
      // Replicator passes UncheckedIOException through to open(); anything else it swallows.
      throw new UncheckedIOException(new InterruptedIOException("cancelled"));
    }
  }

  private void handle(Replicator rep, Event event) throws InterruptedException {
    if (event instanceof PreRdbSyncEvent) {
      // A full resync is expected once, at a fresh start. When resuming from a checkpoint, or
      // after the source restarted or failed over mid-stream, it means writes may have been
      // missed: keys deleted meanwhile would stay at the destination.
      boolean unexpected = follow.resumeFrom() != null || streaming;
      if (unexpected && !follow.fullResyncAllowed()) {
        String where =
            streaming
                ? "lost its replication history (restarted or failed over) while we followed it"
                : "cannot continue from the checkpoint (replication id "
                    + follow.resumeFrom().replId()
                    + ", offset "
                    + follow.resumeFrom().offset()
                    + " is no longer in its backlog)";
        fail(
            new SourceException(
                SourceException.Kind.RESUME_REFUSED,
                "source "
                    + follow.from()
                    + " "
                    + where
                    + " and started a full resync; rerun with --on-full-resync restart to copy"
                    + " the snapshot again"),
            rep);
        return;
      }
      inSnapshot = true;
    } else if (event instanceof DumpKeyValuePair kv) {
      sink.accept(key(kv));
    } else if (event instanceof DumpFunction f) {
      functions.add(f.getSerialized());
    } else if (event instanceof PostRdbSyncEvent) {
      inSnapshot = false;
      db = -1;
    } else if (event instanceof PreCommandSyncEvent) {
      streaming = true;
      syncs.incrementAndGet();
      // Replicator learns the replication id and offset of a full resync only after the
      // snapshot (RedisSocketReplicator.trySync), so the resume point is taken here, where
      // the command stream starts, after a full or a partial resync alike.
      sourceOffset = conf.getReplOffset();
      sink.accept(new SyncPoint(conf.getReplId(), conf.getReplOffset(), db, follow.stream()));
      if (follow.snapshotOnly()) {
        done = true;
        stop.run();
      }
    } else if (event instanceof SelectCommand select) {
      db = select.getIndex();
    } else if (event instanceof DefaultCommand command) {
      command(command);
    }
  }

  private void command(DefaultCommand command) throws InterruptedException {
    long end = command.getContext().getOffsets().getV2();
    sourceOffset = end;
    String name = new String(command.getCommand(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    if (name.equals("SELECT")) {
      db = Integer.parseInt(new String(command.getArgs()[0], StandardCharsets.US_ASCII));
      return;
    }
    if (NOT_FORWARDED.contains(name)) {
      // The stream moved on: a resume point the checkpoint may record.
      sink.accept(new SyncPoint(conf.getReplId(), end, db, follow.stream()));
      return;
    }
    commandsSeen.incrementAndGet();
    byte[][] args = command.getArgs();
    byte[][] argv = new byte[args.length + 1][];
    argv[0] = command.getCommand();
    System.arraycopy(args, 0, argv, 1, args.length);
    sink.accept(CommandEvent.of(Math.max(db, 0), argv, conf.getReplId(), end));
  }

  private KeyEvent key(DumpKeyValuePair kv) {
    long expireAt = DumpPairs.expireAtMs(kv);
    int keyDb = DumpPairs.db(kv);
    KeyType type = RdbTypes.keyType(kv.getValueRdbType());
    PayloadFile spilled = visitor.takeSpilled();
    if (spilled != null) {
      return KeyEvent.inFile(keyDb, kv.getKey(), type, expireAt, spilled);
    }
    return KeyEvent.of(keyDb, kv.getKey(), type, expireAt, kv.getValue());
  }

  void fail(Throwable t, Replicator rep) {
    failure.fail(t, rep);
  }
}
