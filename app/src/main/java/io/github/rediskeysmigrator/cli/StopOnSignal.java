package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * On SIGINT or SIGTERM during a run (a migration or verify): ask it to stop, wait for its summary
 * and report, then exit with 130. Without this the JVM would exit mid-pipeline with no report.
 */
final class StopOnSignal implements AutoCloseable {
  private static final long GRACE_SECONDS = 30;

  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;

  /**
   * @param requestStop called with exit code 130 and a reason when a signal arrives
   */
  StopOnSignal(BiConsumer<Integer, String> requestStop, PrintStream out) {
    this.hook =
        new Thread(
            () -> {
              requestStop.accept(ExitCode.INTERRUPTED, "interrupted by a signal");
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
