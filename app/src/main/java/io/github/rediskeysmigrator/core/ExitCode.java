package io.github.rediskeysmigrator.core;

/** The documented process exit codes; docs/failure-handling.md lists the same table. */
public final class ExitCode {
  private ExitCode() {}

  /** Every key written, or skipped by policy or filter. */
  public static final int OK = 0;

  /** Finished, but some keys failed (see the error log). */
  public static final int KEY_ERRORS = 1;

  /** Usage or configuration error; nothing was written. */
  public static final int USAGE = 2;

  /** Cannot connect or authenticate, or a connection was lost during the run. */
  public static final int CONNECTION = 3;

  /** Stopped: --max-errors reached or --existing fail met an existing key. */
  public static final int STOPPED = 4;

  /** Bad input file: not an RDB, truncated, checksum mismatch, unsupported version. */
  public static final int BAD_INPUT = 5;

  /** verify: the destination differs from the source (see the diff file). */
  public static final int DIFFERENCES = 6;

  /** sync: the source cannot continue from the checkpoint and --on-full-resync is stop. */
  public static final int RESUME_REFUSED = 7;

  /**
   * The run ended, but its --report could not be written (disk full, say); stderr says the exit
   * code the run would have had. A path that cannot be written at all is found at start (exit 2).
   * 74 is sysexits.h's EX_IOERR.
   */
  public static final int REPORT_UNWRITTEN = 74;

  /**
   * Internal error: the run's totals do not add up (a key read but booked in no bucket, or in two),
   * a bug to report. The number is sysexits' EX_SOFTWARE.
   */
  public static final int INTERNAL = 70;

  /** Interrupted by SIGINT/SIGTERM. */
  public static final int INTERRUPTED = 130;
}
