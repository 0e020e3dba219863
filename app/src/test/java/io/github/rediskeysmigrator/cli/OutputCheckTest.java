package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An output's path is proved writable without leaving a trace. */
class OutputCheckTest {
  @TempDir Path dir;

  private static String refusal(Runnable check) {
    return assertThrows(IllegalArgumentException.class, check::run).getMessage();
  }

  @Test
  void aNewFileIsCreatedThenRemoved() {
    Path report = dir.resolve("report.json");
    OutputCheck.writable(report, "the report");
    assertFalse(Files.exists(report));
  }

  @Test
  void anExistingFileIsLeftAsItWas() throws IOException {
    Path report = Files.writeString(dir.resolve("report.json"), "old");
    OutputCheck.writable(report, "the report");
    assertEquals("old", Files.readString(report));
  }

  @Test
  void aMissingDirectoryIsRefused() {
    Path report = dir.resolve("missing/report.json");
    assertEquals(
        "cannot write the report " + report + ": no such directory " + dir.resolve("missing"),
        refusal(() -> OutputCheck.writable(report, "the report")));
  }

  @Test
  void aDirectoryIsRefused() {
    assertEquals(
        "cannot write the report " + dir + ": it is a directory",
        refusal(() -> OutputCheck.writable(dir, "the report")));
  }

  @Test
  void aPlaceWhereNoFileCanBeCreatedIsRefused() {
    String message = refusal(() -> OutputCheck.writable(Path.of("/proc/x.json"), "the report"));
    assertTrue(message.startsWith("cannot write the report /proc/x.json: "), message);
  }

  @Test
  void aReadOnlyFileIsRefused() throws IOException {
    Path report = Files.writeString(dir.resolve("report.json"), "old");
    assertTrue(report.toFile().setWritable(false));
    if (Files.isWritable(report)) {
      return; // root writes anyway
    }
    assertEquals(
        "cannot write the report " + report + ": permission denied",
        refusal(() -> OutputCheck.writable(report, "the report")));
  }

  @Test
  void aCheckpointIsProvedThroughItsTemporarySibling() throws IOException {
    Path checkpoint = dir.resolve("c.ckpt");
    OutputCheck.replaceable(checkpoint, "the checkpoint");
    assertFalse(Files.exists(checkpoint));
    assertFalse(Files.exists(dir.resolve("c.ckpt.tmp")));
    Path missing = Path.of("/nonexistent/c.ckpt");
    assertEquals(
        "cannot write the checkpoint /nonexistent/c.ckpt: no such directory /nonexistent",
        refusal(() -> OutputCheck.replaceable(missing, "the checkpoint")));
    assertEquals(
        "cannot write the checkpoint " + dir + ": it is a directory",
        refusal(() -> OutputCheck.replaceable(dir, "the checkpoint")));
  }

  @Test
  void noFileNoCheck() {
    OutputCheck.writable(null, "the report");
    OutputCheck.replaceable(null, "the checkpoint");
  }
}
