package io.github.rediskeysmigrator.testing;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts the tests and test classes that a missing {@link Requirement} skipped (or failed, under
 * {@code CI=true}) and, when the test plan ends, prints one line per requirement and appends it to
 * {@value #FILE} in the module's {@code target/}, where {@code scripts/test.sh} sums the lines of
 * every module and test phase into the run's summary. Registered through {@code META-INF/services},
 * so surefire and failsafe load it in each test JVM.
 */
public final class NotTestedListener implements TestExecutionListener {
  /** One line per requirement: what, skipped|failed, count, how to get it, tab-separated. */
  public static final String FILE = "not-tested.tsv";

  private final Path target;
  private final PrintStream out;
  // Keyed by what, then by outcome; guarded by this (parallel execution would call from threads).
  private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
  private final Map<String, String> howToGet = new TreeMap<>();

  /** The listener of a test JVM, whose working directory is its module's. */
  public NotTestedListener() {
    this(Path.of("target"), System.out);
  }

  NotTestedListener(Path target, PrintStream out) {
    this.target = target;
    this.out = out;
  }

  @Override
  public synchronized void executionFinished(
      TestIdentifier testIdentifier, TestExecutionResult result) {
    result
        .getThrowable()
        .ifPresent(
            t -> {
              Optional<Requirement> skipped = skipped(t);
              Optional<Requirement> failed = failedUnderCi(t);
              skipped.ifPresent(r -> count(r, "skipped"));
              failed.ifPresent(r -> count(r, "failed"));
            });
  }

  private void count(Requirement r, String outcome) {
    counts.computeIfAbsent(r.what(), w -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    howToGet.put(r.what(), r.howToGet());
  }

  @Override
  public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
    List<String> lines = lines();
    // A JVM may run more than one plan: each line is written once.
    counts.clear();
    if (lines.isEmpty()) {
      return;
    }
    lines.forEach(l -> out.println("[not tested] " + l.replace('\t', ' ')));
    out.flush();
    if (Files.isDirectory(target)) {
      StringBuilder text = new StringBuilder();
      lines.forEach(l -> text.append(l).append(System.lineSeparator()));
      LogFiles.append(target.resolve(FILE), text.toString());
    }
  }

  /** What was counted so far, one tab-separated line per requirement and outcome. */
  synchronized List<String> lines() {
    List<String> out = new ArrayList<>();
    counts.forEach(
        (what, byOutcome) ->
            byOutcome.forEach(
                (outcome, n) ->
                    out.add(what + "\t" + outcome + "\t" + n + "\t" + howToGet.get(what))));
    return out;
  }

  private static Optional<Requirement> skipped(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof NotTested n) {
        return Optional.of(n.requirement());
      }
    }
    return Optional.empty();
  }

  private static Optional<Requirement> failedUnderCi(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof MissingUnderCi m) {
        return Optional.of(m.requirement());
      }
    }
    return Optional.empty();
  }
}
