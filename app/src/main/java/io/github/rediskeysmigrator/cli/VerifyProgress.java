package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.verify.SourceReader;
import io.github.rediskeysmigrator.verify.VerifyReport;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;

/**
 * The progress line of {@code verify} on stderr (keys, keys/s, differences, bytes read of total or
 * keys of the source's DBSIZE, ETA), in the style of {@link ProgressPrinter}: rewritten in place
 * every second on a terminal, one line every five seconds otherwise.
 */
final class VerifyProgress implements AutoCloseable {
  private final ProgressTicker ticker;

  VerifyProgress(
      VerifyReport report, SourceReader source, PrintStream err, boolean terminal, Clock clock) {
    this.ticker =
        new ProgressTicker(
            (elapsed, sinceLast) -> line(report, source, elapsed),
            err,
            terminal,
            clock,
            "rkm-verify-progress");
  }

  private static String line(VerifyReport report, SourceReader source, long elapsed) {
    long keys = report.read();
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "verified %,d | %,.0f keys/s | differences %,d",
                keys,
                keys * 1000.0 / elapsed,
                report.differences()));
    long done = source.bytesRead();
    long total = source.bytesTotal();
    long keysTotal = source.keysTotal();
    if (total > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              " | %.1f MB of %.1f MB (%.0f%%)",
              done / 1e6,
              total / 1e6,
              Math.min(100.0, done * 100.0 / total)));
      eta(sb, done, total, elapsed);
    } else if (keysTotal > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              " | of about %,d (%.0f%%)",
              keysTotal,
              Math.min(100.0, keys * 100.0 / keysTotal)));
      eta(sb, keys, keysTotal, elapsed);
    }
    return sb.toString();
  }

  private static void eta(StringBuilder sb, long done, long total, long elapsed) {
    if (done > 0 && done < total) {
      long s = (long) ((total - done) * (elapsed / 1000.0) / done);
      sb.append(String.format(Locale.ROOT, " | ETA %d:%02d", s / 60, s % 60));
    }
  }

  @Override
  public void close() {
    ticker.close();
  }
}
