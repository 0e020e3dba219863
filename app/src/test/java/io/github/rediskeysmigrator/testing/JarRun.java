package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar running in its own JVM, as a user starts it: for signals and kills. */
public final class JarRun implements AutoCloseable {
  private final Process process;
  private final Path out;
  private final Path err;
  private final Path dir;
  private final List<String> args;

  private JarRun(Process process, Path out, Path err, Path dir, List<String> args) {
    this.dir = dir;
    this.args = args;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts {@code java -jar redis-keys-migrator.jar args...} in {@code dir}. */
  public static JarRun start(Path dir, Map<String, String> env, String... args) {
    return start(dir, env, List.of(), args);
  }

  /** Starts {@code java JVM_ARGS... -jar redis-keys-migrator.jar args...} in {@code dir}. */
  public static JarRun start(Path dir, Map<String, String> env, List<String> jvm, String... args) {
    String jar = System.getProperty("rkm.jar", "target/redis-keys-migrator.jar");
    List<String> cmd = new ArrayList<>(List.of("java"));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-jar", Path.of(jar).toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir, "out-", ".txt");
      Path err = Files.createTempFile(dir, "err-", ".txt");
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().putAll(env);
      return new JarRun(pb.start(), out, err, dir, List.of(args));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM and waits for the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    return waitFor(60);
  }

  /**
   * Sends SIGKILL: no chance to flush or save anything. A JVM the jar started for its own settings
   * (cli.SelfLaunch) ends by itself when it sees its parent gone; this waits for that too.
   */
  public void kill() throws InterruptedException {
    List<ProcessHandle> children = children();
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    for (ProcessHandle c : children) {
      try {
        c.onExit().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new AssertionError("the jar's child JVM " + c.pid() + " outlived a SIGKILL", e);
      }
    }
  }

  /** The processes the jar started (its child JVM, when it started one for its settings). */
  public List<ProcessHandle> children() {
    return process.children().toList();
  }

  /** Waits up to {@code seconds} for the exit code; fails the test on a hang. */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the jar did not exit within " + seconds + " s:\n" + this);
    }
    ReportAssert.ifWritten(dir, args);
    return process.exitValue();
  }

  public String out() {
    return read(out);
  }

  public String err() {
    return read(err);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "--- stdout\n" + out() + "--- stderr\n" + err();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
