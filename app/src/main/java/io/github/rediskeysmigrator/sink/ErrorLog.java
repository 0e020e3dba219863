package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.ErrorSink;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.LineFile;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;

/**
 * The error log: one line per failed key (time, db, key, type, reason), and one NOTE line per key
 * written without something the destination cannot hold (a stream's IDMP state). Opened at start
 * like the original script's log, so mode {@code w} empties it even when the run has no errors.
 */
public final class ErrorLog implements ErrorSink, AutoCloseable {
  private final LineFile file;
  private final Clock clock;

  private ErrorLog(LineFile file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /**
   * Opens the log.
   *
   * @param mode {@code w} to start afresh, {@code a} to append
   */
  public static ErrorLog open(Path path, String mode, Clock clock) throws IOException {
    StandardOpenOption how =
        switch (mode) {
          case "w" -> StandardOpenOption.TRUNCATE_EXISTING;
          case "a" -> StandardOpenOption.APPEND;
          default ->
              throw new IllegalArgumentException(
                  "unknown error log mode '" + mode + "' (expected w or a)");
        };
    LineFile file =
        LineFile.open(path, "error log", StandardOpenOption.CREATE, StandardOpenOption.WRITE, how);
    return new ErrorLog(file, clock);
  }

  public Path path() {
    return file.path();
  }

  @Override
  public synchronized void keyFailed(KeyEvent event, String reason) {
    keyLine("ERROR", "reason", event, reason);
  }

  @Override
  public synchronized void keyNote(KeyEvent event, String note) {
    keyLine("NOTE", "note", event, note);
  }

  private void keyLine(String level, String label, KeyEvent event, String text) {
    StringBuilder line = new StringBuilder();
    line.append(" ").append(level).append(" db=").append(event.sourceDb());
    if (event.db() != event.sourceDb()) {
      line.append("->").append(event.db());
    }
    line.append(" key=\"").append(KeyNames.printable(event.key())).append('"');
    line.append(" type=").append(event.type().redisName());
    line.append(" ").append(label).append("=").append(oneLine(text));
    write(line.toString());
  }

  @Override
  public synchronized void otherFailed(String what, String reason) {
    write(" ERROR " + what + " reason=" + oneLine(reason));
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ').replace('\r', ' ');
  }

  /** Writes one line: the time, then {@code rest}. */
  private void write(String rest) {
    file.write(Instant.now(clock) + rest, true);
  }

  @Override
  public synchronized void close() throws IOException {
    file.close();
  }
}
