package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.verify.Difference;
import io.github.rediskeysmigrator.verify.DifferenceLog;
import io.github.rediskeysmigrator.verify.VerifyReport;
import java.util.List;
import java.util.Locale;

/** Prints the end of a {@code verify} run: its counts and its first differences on stdout. */
final class VerifySummary {
  private VerifySummary() {}

  /** Prints the stop reason (stderr), the counts and the first differences (stdout). */
  static void print(Context ctx, VerifyReport result, DifferenceLog diffs) {
    if (result.stopReason() != null) {
      ctx.err().println("error: " + result.stopReason());
    }
    ctx.out().print(result.summary());
    List<Difference> first = diffs.first();
    long total = result.differences();
    if (!first.isEmpty()) {
      ctx.out()
          .println(
              first.size() == total
                  ? "Differences:"
                  : String.format(
                      Locale.ROOT, "First %d of %,d differences:", first.size(), total));
      for (Difference d : first) {
        ctx.out().println("  " + d.display());
      }
    }
    if (total > 0 && diffs.path() != null) {
      ctx.out().println("Every differing key is listed in " + diffs.path());
    }
    ctx.out().flush();
  }
}
