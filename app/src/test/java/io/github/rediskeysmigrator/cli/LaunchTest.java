package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.Sleeper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the one place a failed start ends: one line, its exit code, a zero report if asked. */
class LaunchTest {
  @TempDir Path tmp;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Context ctx =
      new Context(
          Map.of(),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          Clock.systemUTC(),
          Sleeper.SYSTEM,
          false);
  private final Launch launch =
      new Launch(
          ctx, (source, destination, code, reason) -> source + "|" + destination + "|" + code);

  /** The report the runs below ask for, if they get that far. */
  private Path report() {
    return tmp.resolve("r.json");
  }

  @Test
  void aFailureBeforeTheReportIsCheckedWritesNoReport() throws Exception {
    int exit =
        launch.run(
            () -> {
              throw StartFailure.usage("--tls-key needs --tls-cert");
            });
    assertEquals(ExitCode.USAGE, exit);
    assertEquals("error: --tls-key needs --tls-cert\n", err.toString(StandardCharsets.UTF_8));
    assertFalse(Files.exists(report()));
  }

  @Test
  void aFailureAfterTheCheckWritesAZeroReportWithTheLabelsKnownSoFar() throws Exception {
    int exit =
        launch.run(
            () -> {
              launch.report(report());
              launch.source("redis://src:6379");
              throw StartFailure.connection("source redis://src:6379: connection refused");
            });
    assertEquals(ExitCode.CONNECTION, exit);
    assertEquals("redis://src:6379||3", Files.readString(report()));
  }

  @Test
  void aReportThatCannotBeWrittenIsExitTwoAndNeverWritten() throws Exception {
    Path report = tmp.resolve("no-such-dir").resolve("r.json");
    int exit =
        launch.run(
            () -> {
              launch.report(report);
              return ExitCode.OK;
            });
    assertEquals(ExitCode.USAGE, exit);
    assertEquals(
        "error: cannot write the report " + report + ": no such directory " + report.getParent(),
        err.toString(StandardCharsets.UTF_8).strip());
    assertFalse(Files.exists(report));
  }
}
