package io.github.rediskeysmigrator.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stop rules of a run (a migration or a verification), in one place. The first cause stops the
 * run and keeps its reason and exit code; a later cause (a lost connection while flushing after
 * --max-errors, a signal during the stop) changes neither. --max-errors counts only keys' own
 * failures: keys that fail because of a run-stopping fault (a lost connection, a read-only
 * destination) are booked through {@link WriteListener#lost} and never reach it, so the fault
 * itself is the reason. {@code --existing fail} stops at the first key or function library found at
 * the destination. Safe from any thread.
 */
public final class StopRules {
  private static final Logger log = LoggerFactory.getLogger(StopRules.class);

  private final int maxErrors;
  private final ExistencePolicy existing;
  private volatile String reason;
  private volatile int exitCode = ExitCode.OK;

  /**
   * @param maxErrors keys' own failures that stop the run; 0 for no limit
   * @param existing the existence policy: {@link ExistencePolicy#FAIL} stops at an existing key
   */
  public StopRules(int maxErrors, ExistencePolicy existing) {
    this.maxErrors = maxErrors;
    this.existing = existing;
  }

  /** Rules with no per-key stop: only the first cause given to {@link #stop} (a verification). */
  public static StopRules firstCauseOnly() {
    return new StopRules(0, ExistencePolicy.SKIP);
  }

  /** Stops the run for {@code reason} with {@code exitCode}, unless a cause came first. */
  public synchronized void stop(int exitCode, String reason) {
    if (this.reason == null) {
      this.reason = reason;
      this.exitCode = exitCode;
    }
  }

  /** Whether a cause stopped the run. */
  public boolean stopped() {
    return reason != null;
  }

  /** The first cause, or null while the run goes on. */
  public String reason() {
    return reason;
  }

  /** The first cause's exit code; {@link ExitCode#OK} while the run goes on. */
  public int exitCode() {
    return exitCode;
  }

  /** A key failed of its own ({@code errors}: such failures so far): --max-errors may stop. */
  void keyFailed(long errors) {
    if (maxErrors > 0 && errors >= maxErrors) {
      stop(ExitCode.STOPPED, "reached --max-errors (" + maxErrors + " failed keys)");
    }
  }

  /** {@code event} existed at the destination and was left alone: --existing fail stops. */
  void keyExisted(KeyEvent event) {
    if (existing == ExistencePolicy.FAIL) {
      stop(
          ExitCode.STOPPED,
          "key '"
              + KeyNames.printable(event.key())
              + "' (db "
              + event.db()
              + ") already exists at the destination (--existing fail)");
    }
  }

  /** Function library #{@code index} existed ({@code reply}): --existing fail stops. */
  void functionExisted(int index, String reply) {
    if (existing == ExistencePolicy.FAIL) {
      stop(
          ExitCode.STOPPED,
          "function library #" + (index + 1) + ": " + reply + " (--existing fail)");
    }
  }

  /**
   * Reading the source failed with {@code cause}: stops with the exit code of its kind (an
   * unexpected failure is bad input, logged with its detail) and returns that code.
   */
  public int sourceFailed(Throwable cause) {
    if (cause instanceof SourceException se) {
      int code =
          switch (se.kind()) {
            case BAD_INPUT -> ExitCode.BAD_INPUT;
            case CONNECTION -> ExitCode.CONNECTION;
            case RESUME_REFUSED -> ExitCode.RESUME_REFUSED;
          };
      stop(code, se.getMessage());
      return code;
    }
    log.error("reading the source failed", cause);
    stop(ExitCode.BAD_INPUT, "reading the source failed: " + cause);
    return ExitCode.BAD_INPUT;
  }
}
