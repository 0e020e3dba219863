package io.github.rediskeysmigrator.testing;

import java.time.Duration;

/**
 * Waits for a condition a test cannot be told about (a key landing, a checkpoint file appearing),
 * polling every 20 ms, and fails naming what it waited for. Written here rather than taken from
 * Awaitility: the tests need only this one call, and a run that dies while a test waits for it must
 * fail at once with the run's output, which a {@link JarRun} overload gives directly.
 */
public final class Await {
  private static final long POLL_MILLIS = 20;

  private Await() {}

  /** A condition that may throw (a Redis call, a file read). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** Waits up to {@code timeout} for {@code condition}; fails naming {@code what}. */
  public static void until(String what, Duration timeout, Condition condition)
      throws InterruptedException {
    until(what, timeout, null, condition);
  }

  /**
   * Waits as {@link #until(String, Duration, Condition)} does, and fails as soon as {@code run} has
   * exited without the condition holding, with the run's output in the message.
   */
  public static void until(String what, Duration timeout, JarRun run, Condition condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      // Read before the check: a run that met the condition and then exited still passes.
      boolean alive = run == null || run.isAlive();
      if (check(what, condition)) {
        return;
      }
      if (!alive) {
        throw new AssertionError("the run exited before " + what + ":\n" + run);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after "
                + timeout.toSeconds()
                + " s waiting for "
                + what
                + (run == null ? "" : ":\n" + run));
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  private static boolean check(String what, Condition condition) throws InterruptedException {
    try {
      return condition.holds();
    } catch (InterruptedException | RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("checking for " + what + " failed", e);
    }
  }
}
