package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.source.AofSource;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import picocli.CommandLine.Option;

/** Where {@code aof} stops replaying: a point in time, or a number of commands. */
final class AofOptions {
  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = {
        "Replay up to TIME and no further: stop before the first command annotated (#TS:,"
            + " written with aof-timestamp-enabled yes, Redis 7+) with a later second. TIME is"
            + " ISO-8601 with a zone (2026-03-02T14:04:59Z, 2026-03-02T15:04:59+01:00) or epoch"
            + " seconds. Files without annotations: exit 2. For verify: compare with the state"
            + " the AOF holds at that point."
      })
  String until;

  @Option(
      names = "--until-offset",
      paramLabel = "N",
      description = {
        "Stop after the first N commands of each PATH (SELECT not counted, MULTI and EXEC"
            + " counted; a transaction is never split: one that would cross N is left out). For"
            + " verify: the state after those commands."
      })
  Long untilOffset;

  /** The stop asked for, checked: a bad value is exit 2 before any file is read. */
  AofSource.Stop stop() {
    long commands = Long.MAX_VALUE;
    if (untilOffset != null) {
      if (untilOffset < 0) {
        throw new IllegalArgumentException("--until-offset must be at least 0, got " + untilOffset);
      }
      commands = untilOffset;
    }
    return new AofSource.Stop(until == null ? Long.MAX_VALUE : epochSecond(until), commands);
  }

  /** {@code text} as epoch seconds: digits, or ISO-8601 with a zone (a fraction rounds down). */
  static long epochSecond(String text) {
    String t = text.strip();
    if (t.matches("\\d{1,12}")) {
      return Long.parseLong(t);
    }
    try {
      return Instant.parse(t).getEpochSecond();
    } catch (DateTimeException e) {
      try {
        return OffsetDateTime.parse(t).toEpochSecond();
      } catch (DateTimeException e2) {
        throw new IllegalArgumentException(
            "--until wants ISO-8601 with a zone (2026-03-02T14:04:59Z) or epoch seconds, got '"
                + text
                + "'");
      }
    }
  }
}
