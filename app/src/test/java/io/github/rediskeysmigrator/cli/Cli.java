package io.github.rediskeysmigrator.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The public test entry point to the command line for other modules (rdb-parser-tests): runs it
 * in-process, as {@link Tool} does, on a thread of its own under a time limit, and captures what it
 * printed, returned or threw.
 */
public final class Cli {
  /** How long a run that overstayed its limit gets to wind down after being interrupted. */
  private static final long WIND_DOWN_MS = 5_000;

  private Cli() {}

  /**
   * What one run did.
   *
   * @param exit the exit code, or -1 when the run crashed or timed out
   * @param out what it printed on stdout
   * @param err what it printed on stderr
   * @param crash what escaped the command line instead of an exit code, or null
   * @param timedOut whether it was still running when the limit was reached
   */
  public record Result(int exit, String out, String err, Throwable crash, boolean timedOut) {
    @Override
    public String toString() {
      return "exit="
          + exit
          + (timedOut ? " (timed out)" : "")
          + (crash != null ? " (crashed: " + crash + ")" : "")
          + "\n--- stdout\n"
          + out
          + "--- stderr\n"
          + err;
    }
  }

  /** Runs {@code args} with environment {@code env}, stopping it after {@code limit}. */
  public static Result run(Map<String, String> env, Duration limit, String... args)
      throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicInteger exit = new AtomicInteger(-1);
    AtomicReference<Throwable> crash = new AtomicReference<>();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    Thread runner =
        new Thread(
            () -> {
              try {
                exit.set(Main.of(env, o, e, Clock.systemUTC()).execute(args));
              } catch (Throwable t) {
                crash.set(t);
              }
            },
            "rkm-cli");
    runner.setDaemon(true);
    runner.start();
    runner.join(limit.toMillis());
    boolean timedOut = runner.isAlive();
    if (timedOut) {
      runner.interrupt();
      runner.join(WIND_DOWN_MS);
    }
    // After a timeout the runner may still be alive: this is what it printed so far.
    int code = timedOut || crash.get() != null ? -1 : exit.get();
    return new Result(
        code,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        crash.get(),
        timedOut);
  }

  /** {@link #run(Map, Duration, String...)} without environment variables. */
  public static Result run(Duration limit, String... args) throws InterruptedException {
    return run(Map.of(), limit, args);
  }
}
