package io.github.rediskeysmigrator.cli;

import picocli.CommandLine.Option;

/** When a live run ({@code sync}, {@code scan --live}) ends by itself: the scripted cutover. */
final class CutoverOptions {
  /** Default of --idle, in seconds. */
  static final double DEFAULT_IDLE_SECONDS = 2;

  @Option(
      names = "--until-caught-up",
      description = {
        "End the run with exit 0 once the initial copy is done and, for --idle seconds, nothing"
            + " has been pending and the source has made no write (sync: the destination has"
            + " applied the source's whole replication stream, and the checkpoint marker key is"
            + " deleted; scan --live: no notified key waits to be re-read). For a cutover: stop"
            + " the writers at the source, switch clients when the run returns. Default: run"
            + " until stopped."
      })
  boolean untilCaughtUp;

  @Option(
      names = "--idle",
      paramLabel = "SECONDS",
      description = {
        "With --until-caught-up: how long the source must stay quiet and nothing pending before"
            + " the run ends (decimals allowed). Default: 2."
      })
  double idleSeconds = DEFAULT_IDLE_SECONDS;

  /** The idle period in milliseconds, checked. */
  long idleMs() {
    if (!(idleSeconds >= 0) || Double.isInfinite(idleSeconds)) {
      throw new IllegalArgumentException(
          "--idle must be a number of seconds >= 0, got " + idleSeconds);
    }
    return Math.round(idleSeconds * 1000);
  }
}
