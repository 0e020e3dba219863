package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.testing.JarRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of the tool, spelled once and started either in-process ({@link Tool}) or as the packaged
 * jar ({@link JarRun}): both check the totals of the report the run asked for.
 */
final class Run {
  private final List<String> args = new ArrayList<>();
  private Map<String, String> env = Map.of();
  private Sleeper sleeper = Sleeper.SYSTEM;

  private Run(String... words) {
    args.addAll(List.of(words));
  }

  /** {@code rdb FILE}. */
  static Run rdb(Path file) {
    return new Run("rdb", file.toString());
  }

  /** {@code scan --from URI}. */
  static Run scan(String from) {
    return new Run("scan", "--from", from);
  }

  /** {@code sync --from URI}. */
  static Run sync(String from) {
    return new Run("sync", "--from", from);
  }

  /** {@code verify --from URI}. */
  static Run verify(String from) {
    return new Run("verify", "--from", from);
  }

  /** Any other command line, word for word. */
  static Run of(String... words) {
    return new Run(words);
  }

  Run to(String uri) {
    return args("--to", uri);
  }

  Run report(Path file) {
    return args("--report", file.toString());
  }

  Run errorLog(Path file) {
    return args("--error-log", file.toString());
  }

  Run checkpoint(Path file) {
    return args("--checkpoint", file.toString());
  }

  /**
   * No progress lines, the report in {@code dir}/r.json, and the error log in {@code dir}/e.log (a
   * verify run: its diff file in {@code dir}/diff.jsonl): the outputs most runs of a test ask for.
   */
  Run outputsIn(Path dir) {
    args("--progress", "never").report(dir.resolve("r.json"));
    return args.get(0).equals("verify")
        ? args("--diff-file", dir.resolve("diff.jsonl").toString())
        : errorLog(dir.resolve("e.log"));
  }

  /**
   * Retries every 0.2 s and gives a new master {@code seconds} to take over: the pace of a failover
   * test.
   */
  Run failoverWithin(int seconds) {
    return args("--retry-backoff", "0.2", "--failover-timeout", String.valueOf(seconds));
  }

  Run pipeline(int size) {
    return args("--pipeline", String.valueOf(size));
  }

  Run args(String... more) {
    args.addAll(List.of(more));
    return this;
  }

  Run env(Map<String, String> environment) {
    this.env = environment;
    return this;
  }

  /** Every pause of the in-process tool goes through {@code pauses}. */
  Run sleeper(Sleeper pauses) {
    this.sleeper = pauses;
    return this;
  }

  String[] argv() {
    return args.toArray(String[]::new);
  }

  /** Runs in this JVM and returns what it printed and its exit code. */
  Tool.Result inProcess() {
    return Tool.run(env, sleeper, argv());
  }

  /** Starts in this JVM on a thread of its own, for a test that acts on the run meanwhile. */
  Background inBackground() {
    Background b = new Background(this);
    b.thread.start();
    return b;
  }

  /** Starts the packaged jar in {@code dir}. */
  JarRun jar(Path dir) {
    return JarRun.start(dir, env, argv());
  }

  /** Starts the packaged jar in {@code dir} with these JVM options. */
  JarRun jar(Path dir, List<String> jvm) {
    return JarRun.start(dir, env, jvm, argv());
  }

  /** An in-process run going on in a thread. */
  static final class Background {
    private final AtomicReference<Tool.Result> result = new AtomicReference<>();
    private final Thread thread;

    private Background(Run run) {
      thread = new Thread(() -> result.set(run.inProcess()), "tool-run");
    }

    /** Waits up to {@code seconds} for the run to end; fails the test on a hang. */
    Tool.Result join(long seconds) throws InterruptedException {
      thread.join(seconds * 1000);
      if (thread.isAlive()) {
        throw new AssertionError("the run did not end within " + seconds + " s");
      }
      Tool.Result r = result.get();
      if (r == null) {
        throw new AssertionError("the run ended without a result (it threw; see the log)");
      }
      return r;
    }

    boolean isAlive() {
      return thread.isAlive();
    }
  }
}
