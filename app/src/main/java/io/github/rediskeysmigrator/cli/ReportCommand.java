package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.ReportMerge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code report}: work with the JSON reports of earlier runs ({@code report merge}). */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Work with the JSON reports that --report writes.")
final class ReportCommand implements Callable<Integer> {
  private final Context ctx;

  @Spec CommandSpec spec;

  ReportCommand(Context ctx) {
    this.ctx = ctx;
  }

  /** The {@code report} command with its subcommands. */
  static CommandLine commandLine(Context ctx) {
    return new CommandLine(new ReportCommand(ctx))
        .addSubcommand("merge", new CommandLine(new Merge(ctx)));
  }

  @Override
  public Integer call() {
    // No subcommand given: show what there is.
    spec.commandLine().usage(ctx.err());
    return ExitCode.USAGE;
  }

  /** {@code report merge}: one report for a migration that ran as many shards. */
  @Command(
      name = "merge",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      usageHelpWidth = 100,
      description = {
        "Merge the JSON reports of the runs one migration was split into (e.g. one per shard,"
            + " one pod each) into one report: counts summed, duration the longest run's,"
            + " keys/s recomputed, exit_code the highest of the runs'. Every input is checked"
            + " first: it must be a migration report whose counts add up (read = written +"
            + " skipped_existing + skipped_expired + skipped_gone + filtered + errors).",
        "Prints the summary on stdout."
      },
      footer = {
        "",
        "Exit codes: the merged exit_code (0 when every run ended with 0), so that the last step"
            + " of a job fails when a shard did; 2 usage error; 5 an input is missing,"
            + " unreadable, not a migration report, or its counts do not add up, or not"
            + " --expect reports were given (nothing is written)."
      })
  static final class Merge implements Callable<Integer> {
    private final Context ctx;

    @Parameters(paramLabel = "REPORT.json", arity = "1..*", description = "The reports to merge.")
    List<Path> inputs = new ArrayList<>();

    @Option(
        names = {"-o", "--out"},
        paramLabel = "FILE.json",
        description = "Write the merged report here (same fields as a run's, plus shards, inputs).")
    Path out;

    @Option(
        names = "--expect",
        paramLabel = "N",
        description =
            "The number of shards: any other number of reports is an error (exit 5), so that"
                + " a shard that never wrote its report is not overlooked.")
    Integer expect;

    Merge(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Set<Path> seen = new LinkedHashSet<>();
      for (Path in : inputs) {
        if (!seen.add(in.toAbsolutePath().normalize())) {
          return fail(ExitCode.USAGE, "the report " + in + " is given twice");
        }
      }
      if (out != null && seen.contains(out.toAbsolutePath().normalize())) {
        return fail(
            ExitCode.USAGE,
            "--out " + out + " is also an input; write the merged report elsewhere");
      }
      if (expect != null && expect < 1) {
        return fail(ExitCode.USAGE, "--expect must be at least 1, got " + expect);
      }
      if (expect != null && inputs.size() != expect) {
        return fail(
            ExitCode.BAD_INPUT,
            inputs.size()
                + (inputs.size() == 1 ? " report" : " reports")
                + " given but --expect "
                + expect
                + ": a shard's report is missing or one too many was given");
      }
      List<ReportMerge.Input> reports = new ArrayList<>();
      for (Path in : inputs) {
        try {
          reports.add(
              new ReportMerge.Input(in.toString(), Files.readString(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
          return fail(ExitCode.BAD_INPUT, "cannot read the report " + in + ": " + e);
        }
      }
      ReportMerge merge;
      try {
        merge = ReportMerge.of(reports);
      } catch (IllegalArgumentException e) {
        return fail(ExitCode.BAD_INPUT, e.getMessage());
      }
      if (out != null) {
        try {
          Files.writeString(out, merge.toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          return fail(ExitCode.USAGE, "cannot write the merged report " + out + ": " + e);
        }
      }
      ctx.out().print(merge.summary());
      ctx.out().flush();
      return merge.exitCode();
    }

    private int fail(int code, String message) {
      ctx.err().println("error: " + message);
      return code;
    }
  }
}
