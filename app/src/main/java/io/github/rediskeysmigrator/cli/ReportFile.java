package io.github.rediskeysmigrator.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON report a run writes when {@code --report} asks for one: proved writable at start, then
 * written once, with the run's counts or with zero counts and the reason it never started.
 */
final class ReportFile {
  private final Path path;
  private final PrintStream err;
  // The path failed its check at start: nothing is ever written there.
  private boolean refused;

  ReportFile(Path path, PrintStream err) {
    this.path = path;
    this.err = err;
  }

  /**
   * Proves the report can be written: a bad {@code --report} is then exit 2 with one line, before
   * any input is read or any server asked, and no report is ever written there.
   */
  void check() throws StartFailure {
    try {
      OutputCheck.writable(path, "the report");
    } catch (IllegalArgumentException e) {
      refused = true;
      throw StartFailure.usage(e.getMessage());
    }
  }

  /**
   * Writes {@code json} when a report is asked for; false (and one line on stderr) if it failed.
   */
  boolean write(String json) {
    if (path == null || refused) {
      return true;
    }
    try {
      Files.writeString(path, json, StandardCharsets.UTF_8);
      return true;
    } catch (IOException e) {
      err.println("error: cannot write the report " + path + ": " + e);
      return false;
    }
  }

  /** Writes the final report: {@code exit}, or 74 (with a line) when it could not be written. */
  int finish(String json, int exit) {
    return write(json) ? exit : OutputCheck.reportMissing(err, exit);
  }
}
