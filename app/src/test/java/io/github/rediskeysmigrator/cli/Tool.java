package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.testing.ReportAssert;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process with a given environment and captures stdout and stderr. */
final class Tool {
  private Tool() {}

  /** What a run printed and returned. */
  record Result(int exit, String out, String err) {
    /** The last non-empty line of stdout. */
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }

    @Override
    public String toString() {
      return "exit=" + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Result run(Map<String, String> env, String... args) {
    return run(env, Sleeper.SYSTEM, args);
  }

  /** Runs with every pause of the tool going through {@code sleeper}. */
  static Result run(Map<String, String> env, Sleeper sleeper, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = Main.of(env, o, e, Clock.systemUTC(), sleeper).execute(args);
    }
    ReportAssert.ifWritten(Path.of(""), List.of(args));
    return new Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Result run(String... args) {
    return run(Map.of(), args);
  }
}
