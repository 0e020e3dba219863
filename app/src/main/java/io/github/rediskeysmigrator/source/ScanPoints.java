package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.KeySink;
import io.github.rediskeysmigrator.core.ReadPoint;
import io.github.rediskeysmigrator.core.SourceException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The read points of one master's SCAN for {@code scan --checkpoint}, {@code "run_id db cursor"}:
 * after each batch, the cursor up to which every key SCAN listed is handed over. SCAN guarantees
 * that a scan resumed from such a cursor returns every key present during the whole scan; a source
 * restarted since (another run_id) has new hash seeds, and its cursor no longer holds.
 */
final class ScanPoints {
  private final String stream;
  private final ReadPoint from;

  /**
   * @param stream the master's stream name, or null for a run without a checkpoint
   * @param from where the runs before left the master, or null to start from the beginning
   */
  ScanPoints(String stream, ReadPoint from) {
    this.stream = stream;
    this.from = from;
  }

  /** Where a scan starts: the index of its first db in the list, that db's cursor, keys before. */
  record Start(int dbIndex, byte[] cursor, long keys) {}

  /** Whether SCAN answered {@code cursor} "0": the scan of its db is complete. */
  static boolean isStart(byte[] cursor) {
    return cursor.length == 1 && cursor[0] == '0';
  }

  /** Whether the runs before scanned the whole master. */
  boolean done() {
    return from != null && from.done();
  }

  /** The point of a master scanned whole by the runs before, handed over to stay recorded. */
  void handDone(KeySink sink) throws InterruptedException {
    sink.accept(from);
  }

  /**
   * Where to start on the source whose run_id is {@code runId}.
   *
   * @throws SourceException (resume refused, exit 7) when the source restarted since the checkpoint
   */
  Start start(String runId, List<Integer> dbs, String label) throws SourceException {
    if (from == null) {
      return new Start(0, "0".getBytes(StandardCharsets.US_ASCII), 0);
    }
    String[] at = from.at().split(" ");
    if (!at[0].equals(runId)) {
      throw new SourceException(
          SourceException.Kind.RESUME_REFUSED,
          "source "
              + label
              + " restarted since the checkpoint (run_id "
              + at[0]
              + ", now "
              + runId
              + "), so its SCAN cursor no longer holds; delete the checkpoint to scan again"
              + " (keys already written are skipped as existing)");
    }
    int index = dbs.indexOf(Integer.parseInt(at[1]));
    if (index < 0) {
      throw new SourceException(
          SourceException.Kind.RESUME_REFUSED,
          "the checkpoint of source "
              + label
              + " is in db "
              + at[1]
              + ", which this scan does not read");
    }
    return new Start(index, at[2].getBytes(StandardCharsets.US_ASCII), from.keys());
  }

  /** Every key listed up to {@code cursor} of {@code db} is handed over ({@code keys} in all). */
  void batchDone(KeySink sink, long keys, String runId, int db, byte[] cursor)
      throws InterruptedException {
    if (stream != null) {
      String at = runId + " " + db + " " + new String(cursor, StandardCharsets.US_ASCII);
      sink.accept(new ReadPoint(stream, keys, at, false));
    }
  }

  /** Db {@code index} of {@code dbs} is scanned whole: the next one starts at cursor 0. */
  void dbDone(KeySink sink, long keys, String runId, List<Integer> dbs, int index)
      throws InterruptedException {
    if (stream != null) {
      boolean last = index == dbs.size() - 1;
      String at = runId + " " + dbs.get(last ? index : index + 1) + " 0";
      sink.accept(new ReadPoint(stream, keys, at, last));
    }
  }
}
