package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExistencePolicy;
import io.github.rediskeysmigrator.core.GlobPattern;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.MigrationConfig.Defaults;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every migrating command shares: filters, existence policy, writer controls. */
final class PipelineOptions {

  @Mixin SelectionOptions selection = new SelectionOptions();

  @Option(
      names = "--existing",
      paramLabel = "POLICY",
      defaultValue = "skip",
      converter = PipelineOptions.Policy.class,
      description = {
        "Keys that already exist at the destination: skip (leave them, count them), replace"
            + " (overwrite), fail (stop with exit 4). Default: ${DEFAULT-VALUE}. Keys rewritten"
            + " for an older destination follow it too (RENAMENX, or RENAME for replace)."
      })
  ExistencePolicy existing;

  @Option(
      names = "--pipeline",
      paramLabel = "N",
      defaultValue = "" + Defaults.PIPELINE,
      description =
          "Commands per round trip to the destination (env PIPELINE_BATCH_SIZE; default: ${DEFAULT-VALUE}).")
  int pipeline;

  @Option(
      names = "--writers",
      paramLabel = "N",
      defaultValue = "" + Defaults.WRITERS,
      description = {
        "Write over N connections to a single-node destination at once, each key always over"
            + " the same one (picked by its hash), so each key's writes keep their order. Live"
            + " commands that span connections, keyless ones and transactions run alone."
            + " Default: ${DEFAULT-VALUE}."
      })
  int writers;

  @Option(
      names = "--sleep",
      paramLabel = "SECONDS",
      defaultValue = Defaults.SLEEP_SECONDS,
      description = {
        "Pause between two pipelines and after every --existing-limit skipped keys, to spare CPU"
            + " (env SLEEP_TIME; default: ${DEFAULT-VALUE}; the original script's default was 1)."
      })
  BigDecimal sleepSeconds;

  @Option(
      names = "--existing-limit",
      paramLabel = "N",
      defaultValue = "" + Defaults.EXISTING_LIMIT,
      description =
          "Skipped existing keys between two pauses (env MAX_PROCESSED_EXISTING_KEYS_LIMIT; default: ${DEFAULT-VALUE}).")
  int existingLimit;

  @Option(
      names = "--max-rate",
      paramLabel = "KEYS_PER_S",
      defaultValue = "0",
      description =
          "Write at most this many keys per second (default: ${DEFAULT-VALUE}, no limit).")
  double maxRate;

  @Option(
      names = "--retries",
      paramLabel = "N",
      defaultValue = "" + Defaults.RETRIES,
      description = {
        "When a connection drops or times out (destination, scan source, sync source): reconnect"
            + " up to N times; the writer then sends again what had no reply, scan reads again"
            + " from its cursor, sync continues with a partial resync, and a snapshot the sync"
            + " source broke off is asked for again (0: stop at once with exit 3). Default:"
            + " ${DEFAULT-VALUE}."
      })
  int retries;

  @Option(
      names = "--retry-backoff",
      paramLabel = "SECONDS",
      defaultValue = Defaults.RETRY_BACKOFF_SECONDS,
      description =
          "Wait this long times the attempt number before each reconnect (at most 10 s; sync's"
              + " source waits this long before each attempt). Default: ${DEFAULT-VALUE}.")
  BigDecimal retryBackoffSeconds;

  @Option(
      names = "--failover-timeout",
      paramLabel = "SECONDS",
      defaultValue = Defaults.FAILOVER_TIMEOUT_SECONDS,
      description =
          "When the master of a Sentinel or several-address --from/--to, or a master of a cluster"
              + " destination, is gone: wait up to this long at each reconnect for the node that"
              + " takes its place (docs/failovers.md). Default: ${DEFAULT-VALUE}.")
  BigDecimal failoverTimeoutSeconds;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = Defaults.TIMEOUT_SECONDS,
      description =
          "Wait this long for a reply from the destination or the scan source, or for a write"
              + " to them to complete; a connection stuck for longer counts as lost (then"
              + " --retries applies). sync's replication stream waits at least 60 s, as an idle"
              + " source PINGs only every 10 s. Default: ${DEFAULT-VALUE}.")
  BigDecimal timeoutSeconds;

  @Option(
      names = "--error-log",
      paramLabel = "FILE",
      defaultValue = Defaults.ERROR_LOG,
      description =
          "One ERROR line per failed key, and a NOTE line per key written without something the"
              + " destination cannot hold (a Redis 8.6 stream's IDMP state) (env"
              + " ERROR_LOG_FILENAME; default: ${DEFAULT-VALUE}).")
  Path errorLog;

  @Option(
      names = "--error-log-mode",
      paramLabel = "w|a",
      defaultValue = Defaults.ERROR_LOG_MODE,
      description =
          "w: start the error log afresh; a: append to it (env FILEMOD; default: ${DEFAULT-VALUE}).")
  String errorLogMode;

  @Option(
      names = "--max-errors",
      paramLabel = "N",
      defaultValue = "" + Defaults.MAX_ERRORS,
      description =
          "Stop (exit 4) once this many keys failed on their own (keys failing because the"
              + " connection is lost or the destination is read-only do not count: that stops"
              + " with exit 3); 0 for no limit (env MAX_ERRORED_KEYS_LIMIT; default:"
              + " ${DEFAULT-VALUE}).")
  int maxErrors;

  @Mixin OutputOptions output = new OutputOptions();

  @Option(
      names = "--dry-run",
      description = "Read and filter, but write nothing; counts what would be written.")
  boolean dryRun;

  /** --timeout in milliseconds, as a socket timeout. */
  int timeoutMillis() {
    return timeoutSeconds.movePointRight(3).min(BigDecimal.valueOf(Integer.MAX_VALUE)).intValue();
  }

  /** --failover-timeout in milliseconds. */
  long failoverTimeoutMillis() {
    if (failoverTimeoutSeconds.signum() < 0) {
      throw new IllegalArgumentException("--failover-timeout must not be negative");
    }
    return failoverTimeoutSeconds.movePointRight(3).longValue();
  }

  /** --retry-backoff in milliseconds. */
  long retryBackoffMillis() {
    return retryBackoffSeconds.movePointRight(3).longValue();
  }

  /**
   * The validated configuration.
   *
   * @param targetDb destination db for keys not in --db-map, -1 to keep each key's source db
   * @throws IllegalArgumentException naming the bad option
   */
  MigrationConfig toConfig(int targetDb) {
    Set<KeyType> typeSet = selection.validatedTypes();
    if (!errorLogMode.equals("w") && !errorLogMode.equals("a")) {
      throw new IllegalArgumentException(
          "--error-log-mode (FILEMOD) must be w or a, got '" + errorLogMode + "'");
    }
    if (writers < 1) {
      throw new IllegalArgumentException("--writers must be at least 1, got " + writers);
    }
    if (retries < 0 || retryBackoffSeconds.signum() < 0) {
      throw new IllegalArgumentException("--retries and --retry-backoff must not be negative");
    }
    if (timeoutMillis() < 1) {
      throw new IllegalArgumentException("--timeout must be at least 0.001 seconds");
    }
    if (sleepSeconds.signum() < 0) {
      throw new IllegalArgumentException("--sleep (SLEEP_TIME) must not be negative");
    }
    return new MigrationConfig(
        new LinkedHashSet<>(selection.dbs),
        selection.dbMap,
        targetDb,
        GlobPattern.of(selection.matchBytes()),
        typeSet,
        existing,
        pipeline,
        sleepSeconds.movePointRight(3).longValue(),
        existingLimit,
        maxRate,
        maxErrors,
        dryRun,
        selection.renamer(),
        null);
  }

  /** Reads {@code skip}, {@code replace} or {@code fail}, in any case. */
  static final class Policy extends Choice<ExistencePolicy> {
    Policy() {
      super(ExistencePolicy.class, "--existing must be skip, replace or fail");
    }
  }
}
