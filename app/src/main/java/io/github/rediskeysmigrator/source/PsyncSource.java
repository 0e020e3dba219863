package io.github.rediskeysmigrator.source;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.cmd.CommandName;
import com.moilioncircle.redis.replicator.cmd.impl.DefaultCommand;
import com.moilioncircle.redis.replicator.cmd.impl.SelectCommand;
import com.moilioncircle.redis.replicator.cmd.parser.DefaultCommandParser;
import com.moilioncircle.redis.replicator.event.Event;
import com.moilioncircle.redis.replicator.event.PostRdbSyncEvent;
import com.moilioncircle.redis.replicator.event.PreCommandSyncEvent;
import com.moilioncircle.redis.replicator.event.PreRdbSyncEvent;
import com.moilioncircle.redis.replicator.rdb.datatype.ExpiredType;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpFunction;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;
import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeySink;
import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.PayloadFile;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.core.SyncPoint;
import io.github.rediskeysmigrator.rdb.PayloadRdbVisitor;
import io.github.rediskeysmigrator.rdb.RdbTypes;
import io.github.rediskeysmigrator.redis.Tls;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Attaches to a live source as a replica with Redis Replicator (PSYNC): the snapshot's keys come as
 * DUMP payloads, then every write the source propagates comes as a raw command, in order, with its
 * replication offset. A raw parser is registered for every command the source knows, because Redis
 * Replicator silently drops commands it has no parser for.
 */
public final class PsyncSource implements KeySource {
  /** Not applied at the destination: connection and replication chatter. */
  private static final Set<String> NOT_FORWARDED = Set.of("PING", "REPLCONF", "SELECT");

  private final RedisUri from;
  private final Tls tls;
  private int retries = MigrationConfig.Defaults.RETRIES;
  private long retryIntervalMillis = 1000;
  private String stream = "";
  private long bigKeyThreshold = Long.MAX_VALUE;
  private volatile PayloadRdbVisitor visitor;
  private final Set<String> commandNames;
  private final SyncPoint resumeFrom;
  private final boolean snapshotOnly;
  private final boolean fullResyncAllowed;
  private final List<byte[]> functions = new CopyOnWriteArrayList<>();
  private Consumer<String> notes = note -> {};

  /** Redis Replicator's own default, and Redis's repl-timeout: 60 s. */
  static final int MIN_READ_TIMEOUT_MS = 60_000;

  private int readTimeoutMillis = MIN_READ_TIMEOUT_MS;
  private volatile StoppableReplicator replicator;
  private volatile boolean stopped;
  private volatile long sourceOffset = -1;
  private volatile boolean inSnapshot;
  private final java.util.concurrent.atomic.AtomicLong syncs =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile Stream current;
  private final java.util.concurrent.atomic.AtomicLong commandsSeen =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param resumeFrom where a previous run stopped, or null for a fresh start (full sync)
   * @param snapshotOnly stop once the snapshot is handed over
   * @param fullResyncAllowed whether a full resync is acceptable when resuming was asked for
   */
  public PsyncSource(
      RedisUri from,
      Set<String> commandNames,
      SyncPoint resumeFrom,
      boolean snapshotOnly,
      boolean fullResyncAllowed,
      Tls tls) {
    this.tls = tls;
    this.from = from;
    this.commandNames = Set.copyOf(commandNames);
    this.resumeFrom = resumeFrom;
    this.snapshotOnly = snapshotOnly;
    this.fullResyncAllowed = fullResyncAllowed;
  }

  @Override
  public void readInto(KeySink sink) throws SourceException, InterruptedException {
    Configuration conf =
        Configuration.defaultSetting()
            .setUseDefaultExceptionListener(false)
            .setHeartbeatPeriod(250)
            // Replicator counts the first connection as an attempt, and 0 as "forever".
            .setRetries(retries + 1)
            .setRetryTimeInterval((int) Math.min(Integer.MAX_VALUE, retryIntervalMillis))
            .setConnectionTimeout(5000)
            .setReadTimeout(readTimeoutMillis);
    if (from.password() != null) {
      conf.setAuthUser(from.user()).setAuthPassword(from.password());
    }
    if (from.tls()) {
      // Our own context: Replicator's default TLS factory trusts every certificate.
      conf.setSsl(true).setSslContextFactory(tls::context).setSslParameters(tls.parameters());
    }
    if (resumeFrom != null) {
      conf.setReplId(resumeFrom.replId()).setReplOffset(resumeFrom.offset());
      conf.setReplStreamDB(resumeFrom.db());
    }
    StoppableReplicator r =
        new StoppableReplicator(
            from.host(), from.port(), conf, new SnapshotAttempts(from.toString(), retries, notes));
    PayloadRdbVisitor v = new PayloadRdbVisitor(r, bigKeyThreshold);
    visitor = v;
    r.setRdbVisitor(v);
    for (String name : commandNames) {
      r.addCommandParser(CommandName.name(name), new DefaultCommandParser());
    }
    Stream stream = new Stream(sink, conf);
    current = stream;
    r.addEventListener((rep, event) -> stream.onEvent(rep, event));
    r.addExceptionListener((rep, t, event) -> stream.fail(t, rep));
    replicator = r;
    if (stopped) {
      return;
    }
    try {
      r.open();
    } catch (SnapshotAttempts.GaveUp e) {
      throw new SourceException(SourceException.Kind.CONNECTION, e.getMessage(), e);
    } catch (StoppableReplicator.Refused e) {
      throw connection(
          "refused PSYNC ("
              + e.getMessage()
              + "), so it cannot be followed as a replica; copy it live with `scan --live`"
              + " (keyspace notifications), or migrate a downloaded snapshot with `rdb`",
          null);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof InterruptedIOException) {
        throw new InterruptedException("sync cancelled");
      }
      throw connection("the replication stream broke: " + e.getCause().getMessage(), e);
    } catch (IOException e) {
      throw connection("the replication stream broke: " + e.getMessage(), e);
    }
    if (stream.failure instanceof SourceException se) {
      throw se;
    }
    if (stream.failure instanceof InterruptedException ie) {
      throw ie;
    }
    if (stream.failure != null) {
      throw connection("the replication stream failed: " + stream.failure, stream.failure);
    }
    if (!stopped && !stream.done) {
      throw connection("the source closed the replication stream", null);
    }
  }

  private SourceException connection(String message, Throwable cause) {
    return new SourceException(
        SourceException.Kind.CONNECTION, "source " + from + ": " + message, cause);
  }

  /**
   * Names this stream in its resume points, when it is one of several read at once (a master of a
   * cluster source); "" (the default) for the only one.
   */
  public PsyncSource asStream(String name) {
    this.stream = name;
    return this;
  }

  /**
   * When the stream breaks: reconnect (and continue with a partial resync) up to {@code attempts}
   * times, waiting {@code intervalMillis} before each; 0 attempts stops at the first break.
   */
  public PsyncSource reconnecting(int attempts, long intervalMillis) {
    this.retries = attempts;
    this.retryIntervalMillis = intervalMillis;
    return this;
  }

  /**
   * How long the stream may stay silent before it counts as broken: {@code timeoutMillis} (the
   * run's --timeout), but never less than {@link #MIN_READ_TIMEOUT_MS}, since an idle source only
   * PINGs its replicas every 10 s ({@code repl-ping-replica-period}).
   */
  public PsyncSource readTimeout(int timeoutMillis) {
    this.readTimeoutMillis = readTimeoutFor(timeoutMillis);
    return this;
  }

  /** The read timeout used for a run's --timeout of {@code timeoutMillis}. */
  static int readTimeoutFor(int timeoutMillis) {
    return Math.max(MIN_READ_TIMEOUT_MS, timeoutMillis);
  }

  /**
   * Where notes for the user go (a line each, e.g. a snapshot the source broke off); none by
   * default.
   */
  public PsyncSource withNotes(Consumer<String> notes) {
    this.notes = notes;
    return this;
  }

  /** Snapshot values above {@code bytes} are spilled to temporary files, not held in memory. */
  public PsyncSource bigKeyThreshold(long bytes) {
    this.bigKeyThreshold = bytes;
    return this;
  }

  /** The source this stream follows. */
  public RedisUri node() {
    return from;
  }

  /** The name of this stream in resume points and applied offsets ("" for the only one). */
  public String streamName() {
    return stream;
  }

  /** Writes the source has streamed so far (commands other than PING, REPLCONF and SELECT). */
  public long commandsSeen() {
    return commandsSeen.get();
  }

  /** Times the command stream started again after a break (a partial or full resync). */
  public long reconnects() {
    return Math.max(0, syncs.get() - 1);
  }

  /**
   * Ends the stream as a completed run ({@code --until-caught-up}): what was received goes on to
   * the destination, and {@link #readInto} returns normally.
   */
  public void finish() {
    Stream s = current;
    if (s != null) {
      s.done = true;
    }
    stop();
  }

  @Override
  public void stop() {
    stopped = true;
    StoppableReplicator r = replicator;
    if (r != null) {
      try {
        r.stopNow();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public List<byte[]> functionLibraries() {
    return List.copyOf(functions);
  }

  @Override
  public String progress() {
    long o = sourceOffset;
    if (inSnapshot) {
      return "snapshot";
    }
    return o < 0 ? "connecting" : "live";
  }

  @Override
  public long streamOffset() {
    return sourceOffset;
  }

  /** Turns one replication stream's events into pipeline events. */
  private final class Stream {
    private final KeySink sink;
    private final Configuration conf;
    private int db = resumeFrom == null ? -1 : resumeFrom.db();
    private boolean streaming;
    volatile Throwable failure;
    volatile boolean done;

    Stream(KeySink sink, Configuration conf) {
      this.sink = sink;
      this.conf = conf;
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
        boolean unexpected = resumeFrom != null || streaming;
        if (unexpected && !fullResyncAllowed) {
          String where =
              streaming
                  ? "lost its replication history (restarted or failed over) while we followed it"
                  : "cannot continue from the checkpoint (replication id "
                      + resumeFrom.replId()
                      + ", offset "
                      + resumeFrom.offset()
                      + " is no longer in its backlog)";
          fail(
              new SourceException(
                  SourceException.Kind.RESUME_REFUSED,
                  "source "
                      + from
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
        sink.accept(new SyncPoint(conf.getReplId(), conf.getReplOffset(), db, stream));
        if (snapshotOnly) {
          done = true;
          stop();
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
      String name =
          new String(command.getCommand(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
      if (name.equals("SELECT")) {
        db = Integer.parseInt(new String(command.getArgs()[0], StandardCharsets.US_ASCII));
        return;
      }
      if (NOT_FORWARDED.contains(name)) {
        // The stream moved on: a resume point the checkpoint may record.
        sink.accept(new SyncPoint(conf.getReplId(), end, db, stream));
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
      long expireAt = KeyEvent.NO_EXPIRY;
      if (kv.getExpiredType() == ExpiredType.SECOND) {
        expireAt = kv.getExpiredValue() * 1000L;
      } else if (kv.getExpiredType() == ExpiredType.MS) {
        expireAt = kv.getExpiredValue();
      }
      int keyDb = kv.getDb() == null ? 0 : (int) kv.getDb().getDbNumber();
      KeyType type = RdbTypes.keyType(kv.getValueRdbType());
      PayloadFile spilled = visitor.takeSpilled();
      if (spilled != null) {
        return KeyEvent.inFile(keyDb, kv.getKey(), type, expireAt, spilled);
      }
      return KeyEvent.of(keyDb, kv.getKey(), type, expireAt, kv.getValue());
    }

    void fail(Throwable t, Replicator rep) {
      if (failure == null) {
        failure = t;
      }
      try {
        rep.close();
      } catch (IOException e) {
        t.addSuppressed(e);
      }
    }
  }
}
