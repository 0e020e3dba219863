package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.Failovers;
import java.nio.file.Path;

/**
 * Runs a command, and is the one place a {@link StartFailure} ends: one line on stderr, a report
 * with zero counts and the reason when {@code --report} was proved writable (so scripts always find
 * one), and its exit code.
 */
final class Launch {
  /** A command's work. */
  interface Body {
    int run() throws StartFailure, InterruptedException;
  }

  /** The JSON report of a run that never started. */
  interface ZeroReport {
    String json(String source, String destination, int exitCode, String reason);
  }

  private final Context ctx;
  private final ZeroReport zero;
  private ReportFile report;
  private String source = "";
  private String destination = "";
  private final Failovers failovers = new Failovers();

  Launch(Context ctx, ZeroReport zero) {
    this.ctx = ctx;
    this.zero = zero;
  }

  /** Proves {@code path} can take the report, the first check once the options are read. */
  ReportFile report(Path path) throws StartFailure {
    report = new ReportFile(path, ctx.err());
    report.check();
    return report;
  }

  /** The report proved writable by {@link #report}. */
  ReportFile reportFile() {
    return report;
  }

  /** The failovers the run goes through, counted by its source and writers. */
  Failovers failovers() {
    return failovers;
  }

  /** The source as the report of a failed start shows it, once known. */
  void source(String label) {
    source = label;
  }

  String sourceLabel() {
    return source;
  }

  /** The destination as the report of a failed start shows it, once known. */
  void destination(String label) {
    destination = label;
  }

  int run(Body body) throws InterruptedException {
    try {
      return body.run();
    } catch (StartFailure f) {
      ctx.err().println("error: " + f.getMessage());
      if (report != null) {
        report.write(zero.json(source, destination, f.exitCode(), f.getMessage()));
      }
      return f.exitCode();
    }
  }
}
