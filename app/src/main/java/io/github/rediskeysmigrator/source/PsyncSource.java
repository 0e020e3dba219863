package io.github.rediskeysmigrator.source;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.cmd.CommandName;
import com.moilioncircle.redis.replicator.cmd.parser.DefaultCommandParser;
import io.github.rediskeysmigrator.core.Failovers;
import io.github.rediskeysmigrator.core.KeySink;
import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.core.SyncPoint;
import io.github.rediskeysmigrator.rdb.PayloadRdbVisitor;
import io.github.rediskeysmigrator.redis.MasterLocator;
import io.github.rediskeysmigrator.redis.Tls;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Attaches to a live source as a replica with Redis Replicator (PSYNC): the snapshot's keys come as
 * DUMP payloads, then every write the source propagates comes as a raw command, in order, with its
 * replication offset. A raw parser is registered for every command the source knows, because Redis
 * Replicator silently drops commands it has no parser for.
 */
public final class PsyncSource implements KeySource {
  private final RedisUri from;
  private final Tls tls;
  private int retries = MigrationConfig.Defaults.RETRIES;
  private long retryIntervalMillis = 1000;
  private String stream = "";
  private long bigKeyThreshold = Long.MAX_VALUE;
  private final Set<String> commandNames;
  private final SyncPoint resumeFrom;
  private final boolean snapshotOnly;
  private final boolean fullResyncAllowed;
  private Consumer<String> notes = note -> {};

  /** Redis Replicator's own default, and Redis's repl-timeout: 60 s. */
  static final int MIN_READ_TIMEOUT_MS = 60_000;

  private int readTimeoutMillis = MIN_READ_TIMEOUT_MS;
  private volatile StoppableReplicator replicator;
  private volatile boolean stopped;
  private volatile ReplicationEvents current;
  // The master followed now: from, or the node that took its place.
  private volatile RedisUri node;
  private SourceFailover failover;

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
    node = from;
    ReplicationEvents stream = null;
    Configuration previous = null;
    long reached = -1;
    int stalls = 0;
    while (true) {
      Configuration conf = configuration(stream, previous);
      StoppableReplicator r =
          new StoppableReplicator(
              node.host(),
              node.port(),
              conf,
              new SnapshotAttempts(from.toString(), retries, notes),
              failover == null ? null : failover::moved);
      PayloadRdbVisitor v = new PayloadRdbVisitor(r, bigKeyThreshold);
      r.setRdbVisitor(v);
      for (String name : commandNames) {
        r.addCommandParser(CommandName.name(name), new DefaultCommandParser());
      }
      if (stream == null) {
        stream =
            new ReplicationEvents(
                sink,
                conf,
                v,
                new ReplicationEvents.Follow(
                    from, this.stream, resumeFrom, snapshotOnly, fullResyncAllowed),
                this::stop);
      } else {
        stream.attach(conf, v);
      }
      ReplicationEvents events = stream;
      current = events;
      r.addEventListener((rep, event) -> events.onEvent(rep, event));
      r.addExceptionListener((rep, t, event) -> events.fail(t, rep));
      replicator = r;
      if (stopped) {
        return;
      }
      previous = conf;
      String broke;
      try {
        broke = follow(r);
      } catch (StoppableReplicator.MasterMoved e) {
        node = failover.switched(node, e.master());
        continue;
      }
      if (broke == null) {
        broke = outcome(events);
      }
      if (broke == null) {
        return;
      }
      if (failover == null || stopped) {
        throw connection(broke, null);
      }
      RedisUri next = failover.next(node, broke, () -> stopped);
      if (next == null) {
        return; // stopped while waiting for a new master
      }
      // The same master again without a byte of progress, --retries times over: give up.
      boolean stalled = next.address().equals(node.address()) && events.sourceOffset() == reached;
      stalls = stalled ? stalls + 1 : 0;
      if (stalls > retries) {
        throw connection(broke, null);
      }
      reached = events.sourceOffset();
      node = next;
    }
  }

  /**
   * Runs the replicator until its stream ends: null when it ended as it should, else why it broke
   * in a way a failover may mend.
   */
  private String follow(StoppableReplicator r) throws SourceException, InterruptedException {
    try {
      r.open();
      return null;
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
      return failed("the replication stream broke: " + e.getCause().getMessage(), e);
    } catch (IOException e) {
      return failed("the replication stream broke: " + e.getMessage(), e);
    }
  }

  /** Stops the run for {@code message}, unless a failover may mend it. */
  private String failed(String message, Exception e) throws SourceException {
    if (failover == null || stopped) {
      throw connection(message, e);
    }
    return message;
  }

  /** How the stream ended once the replicator returned: null when as it should, else why not. */
  private String outcome(ReplicationEvents events) throws SourceException, InterruptedException {
    Throwable failure = events.failure();
    if (failure instanceof SourceException se) {
      throw se;
    }
    if (failure instanceof InterruptedException ie) {
      throw ie;
    }
    if (failure != null) {
      throw connection("the replication stream failed: " + failure, failure);
    }
    if (stopped || events.done()) {
      return null;
    }
    return "the source closed the replication stream";
  }

  /**
   * The replicator's configuration: from the resume point at first; after a failover, from where
   * the stream stood (the replication id and offset it read, so a promoted replica continues it),
   * or afresh when the snapshot had not been read whole.
   */
  private Configuration configuration(ReplicationEvents stream, Configuration previous) {
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
    if (stream != null && stream.streaming()) {
      conf.setReplId(previous.getReplId()).setReplOffset(previous.getReplOffset());
      conf.setReplStreamDB(Math.max(stream.db(), 0));
    } else if (resumeFrom != null) {
      conf.setReplId(resumeFrom.replId()).setReplOffset(resumeFrom.offset());
      conf.setReplStreamDB(resumeFrom.db());
    }
    return conf;
  }

  private SourceException connection(String message, Throwable cause) {
    return new SourceException(
        SourceException.Kind.CONNECTION, "source " + from + ": " + message, cause);
  }

  @Override
  public java.util.Map<String, String> resumedFrom() {
    return resumeFrom == null
        ? java.util.Map.of()
        : java.util.Map.of(
            stream.isEmpty() ? from.address() : stream,
            "replication id " + resumeFrom.replId() + " offset " + resumeFrom.offset());
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
   * When the master is gone: find the one that took its place with {@code locator} (waiting up to
   * {@code timeoutMillis}) and continue the stream there; each change is counted in {@code counts}.
   */
  public PsyncSource failingOver(MasterLocator locator, long timeoutMillis, Failovers counts) {
    this.failover = new SourceFailover(locator, timeoutMillis, counts, note -> notes.accept(note));
    return this;
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

  /** The master this stream follows now (the node that took its place after a failover). */
  public RedisUri node() {
    RedisUri n = node;
    return n == null ? from : n;
  }

  /** The name of this stream in resume points and applied offsets ("" for the only one). */
  public String streamName() {
    return stream;
  }

  /** Writes the source has streamed so far (commands other than PING, REPLCONF and SELECT). */
  public long commandsSeen() {
    ReplicationEvents s = current;
    return s == null ? 0 : s.commandsSeen();
  }

  /** Times the command stream started again after a break (a partial or full resync). */
  public long reconnects() {
    ReplicationEvents s = current;
    return s == null ? 0 : Math.max(0, s.syncs() - 1);
  }

  /**
   * Ends the stream as a completed run ({@code --until-caught-up}): what was received goes on to
   * the destination, and {@link #readInto} returns normally.
   */
  public void finish() {
    ReplicationEvents s = current;
    if (s != null) {
      s.markDone();
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
    ReplicationEvents s = current;
    return s == null ? List.of() : s.functionLibraries();
  }

  @Override
  public String progress() {
    ReplicationEvents s = current;
    if (s == null) {
      return "connecting";
    }
    long o = s.sourceOffset();
    if (s.inSnapshot()) {
      return "snapshot";
    }
    return o < 0 ? "connecting" : "live";
  }

  @Override
  public long streamOffset() {
    ReplicationEvents s = current;
    return s == null ? -1 : s.sourceOffset();
  }
}
