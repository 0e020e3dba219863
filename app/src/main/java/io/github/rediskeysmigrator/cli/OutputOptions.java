package io.github.rediskeysmigrator.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** What a run writes besides its summary, for every command that runs: the report, the progress. */
final class OutputOptions {
  @Option(
      names = "--report",
      paramLabel = "FILE.json",
      description =
          "Also write the final counts as JSON to this file. Tried at start (exit 2 if it cannot"
              + " be written); if writing it fails at the end, the exit code is 74.")
  Path report;

  @Option(
      names = "--progress",
      paramLabel = "WHEN",
      defaultValue = "auto",
      converter = Progress.Converter.class,
      description =
          "Progress line on stderr: auto (when a terminal), always, never. Default: ${DEFAULT-VALUE}.")
  Progress progress;
}
