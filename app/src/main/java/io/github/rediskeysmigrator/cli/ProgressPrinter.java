package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.MigrationReport;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;

/**
 * Prints a progress line on stderr (keys, keys/s, bytes read of total, ETA): rewritten in place
 * every second on a terminal, one line every five seconds otherwise.
 */
final class ProgressPrinter implements AutoCloseable {
  private final ProgressTicker ticker;
  private long lastCommands;

  ProgressPrinter(
      MigrationReport report, KeySource source, PrintStream err, boolean terminal, Clock clock) {
    this.ticker =
        new ProgressTicker(
            (elapsed, sinceLast) -> line(report, source, elapsed, sinceLast),
            err,
            terminal,
            clock,
            "rkm-progress");
  }

  private String line(MigrationReport report, KeySource source, long elapsed, long sinceLastMs) {
    long keys = report.read();
    double rate = keys * 1000.0 / elapsed;
    long done = source.bytesRead();
    long total = source.bytesTotal();
    StringBuilder sb =
        new StringBuilder(String.format(Locale.ROOT, "keys %,d | %,.0f keys/s", keys, rate));
    long keysTotal = source.keysTotal();
    if (total == 0 && keysTotal > 0) {
      double pct = Math.min(100.0, keys * 100.0 / keysTotal);
      sb.append(String.format(Locale.ROOT, " | of about %,d (%.0f%%)", keysTotal, pct));
      if (keys > 0 && keys < keysTotal) {
        long etaSeconds = (long) ((keysTotal - keys) * (elapsed / 1000.0) / keys);
        sb.append(String.format(Locale.ROOT, " | ETA %d:%02d", etaSeconds / 60, etaSeconds % 60));
      }
    }
    if (total > 0) {
      double pct = Math.min(100.0, done * 100.0 / total);
      sb.append(
          String.format(
              Locale.ROOT, " | %s of %s (%.0f%%)", megabytes(done), megabytes(total), pct));
      if (done > 0 && done < total) {
        long etaSeconds = (long) ((total - done) * (elapsed / 1000.0) / done);
        sb.append(String.format(Locale.ROOT, " | ETA %d:%02d", etaSeconds / 60, etaSeconds % 60));
      }
    }
    String extra = source.progress();
    if (!extra.isEmpty()) {
      sb.append(" | ").append(extra);
    }
    long streamOffset = source.streamOffset();
    if (streamOffset >= 0) {
      long applied = Math.max(report.appliedOffset(), 0);
      long commands = report.commandsApplied();
      double perSecond = (commands - lastCommands) * 1000.0 / sinceLastMs;
      lastCommands = commands;
      sb.append(
          String.format(
              Locale.ROOT,
              " | commands %,d (%,.0f/s) | source offset %,d, lag %,d bytes",
              commands,
              perSecond,
              streamOffset,
              Math.max(0, streamOffset - applied)));
    }
    if (report.errors() > 0) {
      sb.append(String.format(Locale.ROOT, " | errors %,d", report.errors()));
    }
    return sb.toString();
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  @Override
  public void close() {
    ticker.close();
  }
}
