package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.aof.AofCommandReader;
import io.github.rediskeysmigrator.aof.AofEntry;
import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.KeySink;
import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.MergedSource;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.core.SyncPoint;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Replays an append-only persistence ({@link AofScan}ned first): the keys of its RDB parts as
 * {@link RdbFileSource} reads a file, then a {@link SyncPoint} (the snapshot is over, as in {@code
 * sync}), then its commands as {@link CommandEvent}s, in file order, each in the db the last SELECT
 * chose. A transaction is handed on only once its EXEC is read, whole, so that a stop never splits
 * it; a cut tail (and a transaction left open by it) is left out, as Redis's loader does. The run
 * ends when the files end, or at the {@link Stop} asked for.
 */
public final class AofSource implements KeySource {
  /**
   * Where to stop replaying.
   *
   * @param untilEpochSecond stop before the first command annotated after this second ({@code
   *     --until}); {@link Long#MAX_VALUE} for none
   * @param untilCommands stop after this many commands ({@code --until-offset}); {@link
   *     Long#MAX_VALUE} for none
   */
  public record Stop(long untilEpochSecond, long untilCommands) {
    /** Replay everything. */
    public static final Stop NONE = new Stop(Long.MAX_VALUE, Long.MAX_VALUE);
  }

  private final AofScan scan;
  private final String stream;
  private final Stop stop;
  private final long bigKeyThreshold;
  private final Consumer<String> notes;
  private final List<RdbFileSource> rdbParts = new CopyOnWriteArrayList<>();
  private final long totalBytes;
  private final Map<AofLayout.Part, Long> sizes = new java.util.HashMap<>();
  private volatile long doneBytes;
  private volatile AofCommandReader current;
  private volatile long replayed;
  private volatile long lastTimestamp = -1;
  private volatile String stoppedBy;
  private volatile boolean stopRequested;
  private int db;

  /**
   * @param stream the name of its commands' stream ("" when it is the only one of the run, else one
   *     per replayed PATH)
   */
  public AofSource(
      AofScan scan, String stream, Stop stop, long bigKeyThreshold, Consumer<String> notes)
      throws IOException {
    this.scan = scan;
    this.stream = stream;
    this.stop = stop;
    this.bigKeyThreshold = bigKeyThreshold;
    this.notes = notes;
    long total = 0;
    for (AofScan.Scanned s : scan.parts()) {
      long size = Files.size(s.part().file());
      sizes.put(s.part(), size);
      total += size;
    }
    this.totalBytes = total;
  }

  @Override
  public void readInto(KeySink sink) throws SourceException, InterruptedException {
    boolean snapshotOver = false;
    for (AofScan.Scanned s : scan.parts()) {
      long start = 0;
      if (s.header() != null) {
        RdbFileSource rdb;
        try {
          rdb = new RdbFileSource(List.of(s.header()), bigKeyThreshold);
        } catch (IOException e) {
          throw new SourceException(
              SourceException.Kind.BAD_INPUT, s.part().file() + " cannot be read: " + e, e);
        }
        rdbParts.add(rdb.withNotes(notes));
        start = rdb.readRdbPart(s.header(), sink);
      }
      if (!snapshotOver) {
        // What follows are commands: keys written from now on are no longer the destination's
        // own, and commands on the keys the existence policy left alone are skipped (as in sync).
        sink.accept(new SyncPoint(replId(), 0, -1, stream));
        snapshotOver = true;
      }
      boolean goOn = s.part().format() == AofLayout.Format.EMPTY || commands(s.part(), start, sink);
      doneBytes += sizes.get(s.part());
      current = null;
      if (!goOn) {
        return;
      }
    }
  }

  /** Replays the commands of {@code part} from {@code start}; false once a stop is reached. */
  private boolean commands(AofLayout.Part part, long start, KeySink sink)
      throws SourceException, InterruptedException {
    List<CommandEvent> tx = null;
    long txTimestamp = -1;
    // Redis loads every file with a new client, in db 0 until a SELECT.
    db = 0;
    try (AofCommandReader r = AofLayout.commands(part, start)) {
      current = r;
      AofEntry e;
      while ((e = r.next()) != null) {
        if (stopRequested) {
          return false;
        }
        if (e instanceof AofEntry.Timestamp t) {
          if (t.epochSeconds() > stop.untilEpochSecond()) {
            stoppedBy =
                "--until: the next command is annotated "
                    + Instant.ofEpochSecond(t.epochSeconds())
                    + " ("
                    + part.file()
                    + " at byte "
                    + t.offset()
                    + ")";
            return false;
          }
          if (tx != null) {
            txTimestamp = t.epochSeconds();
          } else {
            lastTimestamp = t.epochSeconds();
          }
        } else if (e instanceof AofEntry.Command c) {
          String name = c.name();
          if (name.equals("SELECT")) {
            db = selected(part, c);
            continue;
          }
          if (name.equals("MULTI") && tx == null) {
            tx = new ArrayList<>();
            txTimestamp = -1;
          }
          if (tx == null) {
            if (!room(1)) {
              return false;
            }
            replayed++;
            sink.accept(CommandEvent.of(db, c.argv(), replId(), replayed));
            continue;
          }
          tx.add(CommandEvent.of(db, c.argv(), replId(), replayed + tx.size() + 1));
          if (name.equals("EXEC")) {
            if (!room(tx.size())) {
              return false;
            }
            for (CommandEvent q : tx) {
              sink.accept(q);
            }
            replayed += tx.size();
            lastTimestamp = txTimestamp >= 0 ? txTimestamp : lastTimestamp;
            tx = null;
          }
        }
        // A cut tail ends the reader (AofScan noted it); an open transaction is dropped with it.
      }
      return true;
    } catch (BadAofException e) {
      throw new SourceException(SourceException.Kind.BAD_INPUT, e.getMessage(), e);
    } catch (InterruptedIOException e) {
      throw new InterruptedException("reading " + part.file() + " was cancelled");
    } catch (IOException e) {
      throw new SourceException(
          SourceException.Kind.BAD_INPUT, part.file() + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The replication id its events carry: one per stream. */
  private String replId() {
    return "aof:" + stream;
  }

  /** Whether {@code n} more commands stay within --until-offset; records the stop when not. */
  private boolean room(long n) {
    if (replayed + n <= stop.untilCommands()) {
      return true;
    }
    stoppedBy = "--until-offset " + stop.untilCommands() + ": " + replayed + " commands replayed";
    return false;
  }

  private static int selected(AofLayout.Part part, AofEntry.Command c) throws BadAofException {
    try {
      return Integer.parseInt(new String(c.argv()[1], StandardCharsets.US_ASCII));
    } catch (RuntimeException e) {
      throw new BadAofException(part.file(), c.offset(), "a SELECT without a db number");
    }
  }

  @Override
  public void stop() {
    stopRequested = true;
  }

  @Override
  public long bytesRead() {
    AofCommandReader r = current;
    return doneBytes + (r == null ? 0 : r.position());
  }

  @Override
  public long bytesTotal() {
    return totalBytes;
  }

  @Override
  public List<byte[]> functionLibraries() {
    return MergedSource.functionLibraries(rdbParts);
  }

  @Override
  public String progress() {
    return replayed + " commands";
  }

  /** Commands handed on so far (SELECT not counted; MULTI and EXEC counted). */
  public long replayed() {
    return replayed;
  }

  /**
   * The fields the JSON report gets: the commands replayed, the last {@code #TS:} annotation of
   * what was replayed, why the replay stopped before the end (null when it did not), and the
   * commands of a cut tail left out.
   */
  public Map<String, Object> reportFields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("aof_commands", replayed);
    f.put("aof_last_timestamp", lastTimestamp < 0 ? null : lastTimestamp);
    f.put("aof_stopped_by", stoppedBy);
    f.put("aof_truncated_commands", scan.cut() == null ? 0 : scan.cut().commands());
    return f;
  }

  /** The summary's line on the replay. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(java.util.Locale.ROOT, "%-20s %,d", "aof commands", replayed));
    if (lastTimestamp >= 0) {
      sb.append(", last annotated ").append(Instant.ofEpochSecond(lastTimestamp));
    }
    if (stoppedBy != null) {
      sb.append("; stopped by ").append(stoppedBy);
    }
    if (scan.cut() != null) {
      sb.append("; ").append(scan.cut().commands()).append(" left out of the cut tail");
    }
    return sb.toString();
  }
}
