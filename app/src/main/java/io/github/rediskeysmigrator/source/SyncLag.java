package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.CatchUpWatch;
import io.github.rediskeysmigrator.core.LiveStatus;
import io.github.rediskeysmigrator.core.MigrationReport;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisException;

/**
 * How far {@code sync} is behind its source, and its cutover. A thread asks each followed master
 * for its {@code master_repl_offset} about ten times a second and compares it with the offset the
 * destination has acknowledged for that stream; the difference, in bytes of the replication stream,
 * is the lag. The source's offset is read first, so an acknowledged offset at or past it means
 * every write the source made before that moment is applied. With {@code --until-caught-up} the
 * streams are ended as a completed run once the lag has stayed at zero for the idle period.
 */
public final class SyncLag implements LiveStatus, AutoCloseable {
  private static final long POLL_MS = 100;

  private final List<PsyncSource> streams;
  private final Tls tls;
  private final CatchUpWatch watch;
  private final LongSupplier clockMs;
  private final long[] sourceOffset;
  private final long[] behindSinceMs;
  private final Connection[] conns;
  private volatile MigrationReport report;
  private volatile boolean caughtUp;
  private volatile boolean markerDeleted;
  private volatile boolean closed;
  private Thread poller;

  /**
   * @param streams the followed masters (one for a single-node source)
   * @param idleMs with {@code --until-caught-up}: how long the lag must stay at zero before the run
   *     ends; negative to run until stopped
   * @param clockMs a monotonic clock in milliseconds
   */
  public SyncLag(List<PsyncSource> streams, Tls tls, long idleMs, LongSupplier clockMs) {
    this.streams = List.copyOf(streams);
    this.tls = tls;
    this.clockMs = clockMs;
    this.sourceOffset = new long[streams.size()];
    this.behindSinceMs = new long[streams.size()];
    this.conns = new Connection[streams.size()];
    java.util.Arrays.fill(sourceOffset, -1);
    java.util.Arrays.fill(behindSinceMs, -1);
    this.watch = idleMs < 0 ? null : new CatchUpWatch(new Known(), idleMs, clockMs);
  }

  /** Starts watching the run that books into {@code report}. */
  public synchronized void start(MigrationReport report) {
    this.report = report;
    report.live(this::reportFields, this::describe);
    poller = new Thread(this::pollLoop, "rkm-sync-lag");
    poller.setDaemon(true);
    poller.start();
  }

  /** Whether the run ended through {@code --until-caught-up}. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Records that the checkpoint marker was deleted at the destination after the cutover. */
  public void markerDeleted() {
    markerDeleted = true;
  }

  @Override
  public boolean snapshotDone() {
    MigrationReport r = report;
    if (r == null) {
      return false;
    }
    for (PsyncSource s : streams) {
      if (r.appliedOffset(s.streamName()) < 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public synchronized long lagItems() {
    long lag = 0;
    for (int i = 0; i < streams.size(); i++) {
      lag += Math.max(0, behind(i));
    }
    return lag;
  }

  @Override
  public synchronized double lagSeconds() {
    long now = clockMs.getAsLong();
    long oldest = 0;
    for (long since : behindSinceMs) {
      if (since >= 0) {
        oldest = Math.max(oldest, now - since);
      }
    }
    return oldest / 1000.0;
  }

  @Override
  public long changesSeen() {
    return overStreams(PsyncSource::commandsSeen);
  }

  @Override
  public long reconnects() {
    return overStreams(PsyncSource::reconnects);
  }

  /** The sum of {@code count} over the streams. */
  private long overStreams(ToLongFunction<PsyncSource> count) {
    return streams.stream().mapToLong(count).sum();
  }

  /** The live fields of the JSON report, in their documented order. */
  public Map<String, Object> reportFields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("lag_bytes", lagItems());
    f.put("lag_seconds", Math.round(lagSeconds() * 10) / 10.0);
    f.put("reconnects", reconnects());
    f.put("caught_up", caughtUp);
    f.put("marker_deleted", markerDeleted);
    return f;
  }

  /** The live part of the summary. */
  public String describe() {
    String s =
        String.format(
            Locale.ROOT,
            "live: lag %,d bytes (%.1f s), %d reconnects",
            lagItems(),
            lagSeconds(),
            reconnects());
    if (caughtUp) {
      s += "; caught up" + (markerDeleted ? ", checkpoint marker deleted" : "");
    }
    return s;
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    Thread t;
    synchronized (this) {
      t = poller;
    }
    if (t != null) {
      t.interrupt();
      t.join(5000);
    }
    for (Connection c : conns) {
      if (c != null) {
        c.close();
      }
    }
  }

  /** Bytes of stream {@code i} the source has and the destination has not; -1 when unknown. */
  private long behind(int i) {
    long applied = report == null ? -1 : report.appliedOffset(streams.get(i).streamName());
    if (sourceOffset[i] < 0 || applied < 0) {
      return -1;
    }
    return Math.max(0, sourceOffset[i] - applied);
  }

  private void pollLoop() {
    while (!closed) {
      poll();
      if (watch != null && watch.caughtUp()) {
        caughtUp = true;
        for (PsyncSource s : streams) {
          s.finish();
        }
        return;
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void poll() {
    for (int i = 0; i < streams.size(); i++) {
      long offset = readOffset(i);
      synchronized (this) {
        sourceOffset[i] = offset;
        long b = behind(i);
        if (b > 0 && behindSinceMs[i] < 0) {
          behindSinceMs[i] = clockMs.getAsLong();
        } else if (b == 0) {
          behindSinceMs[i] = -1;
        }
      }
    }
  }

  /** The master's replication offset, or -1 when it cannot be read now (tried again next time). */
  private long readOffset(int i) {
    try {
      if (conns[i] == null || conns[i].isBroken()) {
        if (conns[i] != null) {
          conns[i].close();
        }
        conns[i] = RedisConnector.connect(streams.get(i).node(), 0, "source", tls);
      }
      return ServerInfo.replicationOffset(conns[i]);
    } catch (ConnectException | JedisException e) {
      return -1;
    }
  }

  /** The status the cutover watches: an unknown offset counts as behind. */
  private final class Known implements LiveStatus {
    @Override
    public boolean snapshotDone() {
      return SyncLag.this.snapshotDone();
    }

    @Override
    public long lagItems() {
      synchronized (SyncLag.this) {
        long lag = 0;
        for (int i = 0; i < streams.size(); i++) {
          long b = behind(i);
          lag += b < 0 ? 1 : b;
        }
        return lag;
      }
    }

    @Override
    public double lagSeconds() {
      return SyncLag.this.lagSeconds();
    }

    @Override
    public long changesSeen() {
      return SyncLag.this.changesSeen();
    }

    @Override
    public long reconnects() {
      return SyncLag.this.reconnects();
    }
  }
}
