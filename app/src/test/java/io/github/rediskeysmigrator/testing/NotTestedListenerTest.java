package io.github.rediskeysmigrator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;

class NotTestedListenerTest {
  @TempDir Path target;

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  private static final Requirement R74 = new Requirement("redis-7.4.1", "get 7.4");
  private static final Requirement CORPUS = new Requirement("rdb-corpus", "get the corpus");

  @Test
  void countsSkipsAndCiFailuresPerRequirementAndAppendsThemToTheFile() throws IOException {
    NotTestedListener l =
        new NotTestedListener(target, new PrintStream(console, true, StandardCharsets.UTF_8));
    l.executionFinished(null, TestExecutionResult.aborted(R74.missing(Map.of())));
    l.executionFinished(null, TestExecutionResult.aborted(R74.missing(Map.of())));
    // Wrapped, as an executor or a computeIfAbsent may hand it on.
    l.executionFinished(
        null,
        TestExecutionResult.failed(
            new IllegalStateException("wrapped", CORPUS.missing(Map.of("CI", "true")))));
    l.executionFinished(null, TestExecutionResult.failed(new AssertionError("other")));
    l.executionFinished(null, TestExecutionResult.successful());
    List<String> expected =
        List.of("rdb-corpus\tfailed\t1\tget the corpus", "redis-7.4.1\tskipped\t2\tget 7.4");
    assertEquals(expected, l.lines());
    l.testPlanExecutionFinished(null);
    // A second plan in the same JVM adds only its own.
    l.executionFinished(null, TestExecutionResult.aborted(R74.missing(Map.of())));
    l.testPlanExecutionFinished(null);
    List<String> written = new ArrayList<>(expected);
    written.add("redis-7.4.1\tskipped\t1\tget 7.4");
    assertEquals(written, Files.readAllLines(target.resolve(NotTestedListener.FILE)));
    assertEquals(
        "[not tested] rdb-corpus failed 1 get the corpus%n"
            .concat("[not tested] redis-7.4.1 skipped 2 get 7.4%n")
            .concat("[not tested] redis-7.4.1 skipped 1 get 7.4%n")
            .formatted(),
        console.toString(StandardCharsets.UTF_8));
  }

  @Test
  void writesNothingWhenNothingWasMissing() {
    NotTestedListener l =
        new NotTestedListener(target, new PrintStream(console, true, StandardCharsets.UTF_8));
    l.executionFinished(null, TestExecutionResult.successful());
    l.testPlanExecutionFinished(null);
    assertFalse(Files.exists(target.resolve(NotTestedListener.FILE)));
    assertEquals("", console.toString(StandardCharsets.UTF_8));
  }
}
