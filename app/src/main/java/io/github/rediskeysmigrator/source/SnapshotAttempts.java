package io.github.rediskeysmigrator.source;

import java.util.function.Consumer;

/**
 * Counts the snapshots a source broke off in a row and decides when to stop asking for another.
 * Redis Replicator cannot: its retry counter starts again at every connection it makes, and a
 * source that accepts the connection and then fails its snapshot (its BGSAVE child returned an
 * error) makes one each time, so it would ask for ever without a word.
 */
final class SnapshotAttempts {
  private final String source;
  private final int retries;
  private final Consumer<String> notes;
  private int failedInARow;

  /**
   * @param source the source, as the user named it
   * @param retries how many more snapshots to ask for after one broke off (--retries)
   * @param notes where the line about the first failure goes (stderr)
   */
  SnapshotAttempts(String source, int retries, Consumer<String> notes) {
    this.source = source;
    this.retries = retries;
    this.notes = notes;
  }

  /** The source's snapshot arrived whole: the next failure is a first one again. */
  void arrived() {
    failedInARow = 0;
  }

  /**
   * The source's snapshot broke off with {@code reason}: the first time, a line for the user when a
   * retry follows; once the retries are spent, {@link GaveUp}.
   */
  void brokeOff(String reason) {
    failedInARow++;
    if (failedInARow > retries) {
      String count = failedInARow == 1 ? "" : " " + failedInARow + " times in a row";
      throw new GaveUp(
          "source "
              + source
              + " broke off its snapshot"
              + count
              + " ("
              + (failedInARow == 1 ? "" : "last: ")
              + reason
              + "); stopped after --retries "
              + retries
              + ". "
              + WHY);
    }
    if (failedInARow == 1) {
      notes.accept(
          "warning: source "
              + source
              + " broke off its snapshot ("
              + reason
              + "); asking for it again, up to "
              + times(retries)
              + ". "
              + WHY);
    }
  }

  private static final String WHY =
      "A source does this when it cannot produce a snapshot (its log then says \"SYNC failed."
          + " BGSAVE child returned an error\" and why) or when the link breaks";

  private static String times(int n) {
    return n == 1 ? "once" : n + " times";
  }

  /** The source broke off its snapshot more often than --retries allows. */
  static final class GaveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GaveUp(String message) {
      super(message);
    }
  }
}
