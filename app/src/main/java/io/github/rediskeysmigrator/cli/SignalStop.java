package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.Migration;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * On SIGINT or SIGTERM during a run: stop the migration after the key in hand, let the writer flush
 * and book what was sent, wait for the summary and report, then exit with 130. Without this the JVM
 * would exit mid-pipeline with no report.
 */
final class SignalStop implements AutoCloseable {
  /** How long a signal waits for the run to wind down before exiting anyway. */
  private static final long GRACE_SECONDS = 30;

  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;

  SignalStop(Migration migration, PrintStream out) {
    this.hook =
        new Thread(
            () -> {
              migration.requestStop(ExitCode.INTERRUPTED, "interrupted by a signal");
              try {
                finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              out.flush();
              Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
            },
            "rkm-signal");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The run has finished and reported: a signal from now on needs no waiting. */
  @Override
  public void close() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // A signal arrived: the hook is running and will exit with 130 now that we are done.
    }
  }
}
