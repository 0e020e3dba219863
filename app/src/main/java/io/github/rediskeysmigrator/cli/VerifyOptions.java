package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.core.ExistencePolicy;
import io.github.rediskeysmigrator.core.GlobPattern;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.MigrationConfig.Defaults;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.verify.VerifyConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How {@code verify} compares: tolerances, batch sizes, what it prints and writes, and the plan it
 * validates them into.
 */
final class VerifyOptions {
  @Option(
      names = "--ttl-tolerance",
      paramLabel = "SECONDS",
      defaultValue = VerifyConfig.Defaults.TTL_TOLERANCE_SECONDS,
      description = "Two absolute expiries this close count as equal (default: ${DEFAULT-VALUE}).")
  BigDecimal ttlTolerance;

  @Mixin BigKeyOptions bigKeys = new BigKeyOptions();

  @Option(
      names = "--scan-count",
      paramLabel = "N",
      defaultValue = "" + Defaults.SCAN_COUNT,
      description =
          "COUNT of each SCAN of a live source (env SCAN_BATCH_SIZE; default: ${DEFAULT-VALUE}).")
  int scanCount;

  @Option(
      names = "--pipeline",
      paramLabel = "N",
      defaultValue = "" + Defaults.PIPELINE,
      description =
          "Keys per round trip to the destination (env PIPELINE_BATCH_SIZE; default:"
              + " ${DEFAULT-VALUE}).")
  int pipeline;

  @Option(
      names = "--max-rate",
      paramLabel = "KEYS_PER_S",
      defaultValue = "0",
      description =
          "Read at most this many keys per second, to spare a busy source (default:"
              + " ${DEFAULT-VALUE}, no limit).")
  double maxRate;

  @Option(
      names = "--show",
      paramLabel = "N",
      defaultValue = "" + VerifyConfig.Defaults.SHOW,
      description = "Print the first N differing keys on stdout (default: ${DEFAULT-VALUE}).")
  int show;

  @Option(
      names = "--diff-file",
      paramLabel = "FILE",
      description =
          "Write every differing key to FILE, one JSON object per line: db, destination_db, key,"
              + " outcome, details.")
  Path diffFile;

  @Mixin OutputOptions output = new OutputOptions();

  @Option(
      names = "--existing-report",
      paramLabel = "FILE.json",
      description =
          "The JSON report of the migration being verified. Its skipped_existing keys were left"
              + " alone on purpose; when no key is missing and no more keys differ than it"
              + " skipped, the differences are put down to them and the exit code is 0.")
  Path existingReport;

  @Option(
      names = "--extra-keys",
      description =
          "Also list the destination's keys that the source does not hold (in the same dbs,"
              + " under --match and --type), after the source's keys are compared: a SCAN of the"
              + " destination (every master of a cluster), each key looked up at the source with"
              + " EXISTS, or, for files, among 8-byte fingerprints of their key names. The"
              + " checkpoint marker of sync is never one. Default: off.")
  boolean extraKeys;

  @Option(
      names = "--skip-checksum",
      description = "For file sources: do not verify each file's CRC64 first.")
  boolean skipChecksum;

  /** What --from names. */
  record Source(RedisUri uri, List<Path> files, String label) {
    boolean live() {
      return uri != null;
    }
  }

  /**
   * A verification, validated.
   *
   * @param source what --from names
   * @param to the destination
   * @param config the comparison's configuration
   * @param liveDbs the dbs of a live source
   * @param match the --match pattern
   * @param skippedExisting the skipped_existing of --existing-report, or null
   */
  record Plan(
      Source source,
      RedisUri to,
      VerifyConfig config,
      List<Integer> liveDbs,
      byte[] match,
      Long skippedExisting) {}

  /** The plan, validated: a bad option is exit 2 before any server is asked. */
  Plan plan(
      List<String> from,
      SelectionOptions selection,
      DestinationOptions destination,
      Map<String, String> env)
      throws StartFailure {
    try {
      Source src = source(from, env);
      EnvAddress.Resolved resolved = destination.resolve(env);
      if (resolved.failover() != null) {
        throw new IllegalArgumentException(
            "verify reads one node: give --to the master's redis://host:port, not "
                + resolved.failover());
      }
      RedisUri to = resolved.uri();
      VerifyConfig config = config(selection, resolved.explicitDb() ? to.db() : -1);
      List<Integer> dbs = src.live() ? liveDbs(selection, src.uri()) : List.of();
      if (src.live()) {
        checkNotSameDatabase(src.uri(), dbs, to, config);
      }
      Long skippedExisting =
          existingReport == null ? null : ExistingReport.skippedExisting(existingReport);
      return new Plan(src, to, config, dbs, selection.matchBytes(), skippedExisting);
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
  }

  private static Source source(List<String> from, Map<String, String> env) {
    List<String> uris = from.stream().filter(VerifyOptions::isUri).toList();
    if (from.isEmpty()) {
      RedisUri uri = EnvAddress.resolve(null, "SOURCE", env).uri();
      return new Source(uri, List.of(), uri.toString());
    }
    if (!uris.isEmpty()) {
      if (from.size() > 1) {
        throw new IllegalArgumentException(
            "--from takes one redis:// URI or one or more files, not both or several URIs");
      }
      RedisUri uri = EnvAddress.resolve(uris.get(0), "SOURCE", env).uri();
      return new Source(uri, List.of(), uri.toString());
    }
    List<Path> files = from.stream().map(Path::of).toList();
    return new Source(null, files, String.join(",", from));
  }

  /**
   * Whether {@code f} is an appendonlydir, a manifest, an AOF of commands, or named *.aof (an RDB
   * preamble then commands); not an RDB.
   */
  static boolean isAof(Path f) {
    try {
      AofLayout layout = AofLayout.of(f);
      return layout.manifest() != null
          || layout.parts().get(0).format() == AofLayout.Format.COMMANDS
          || f.getFileName().toString().matches(".*\\.aof(\\.gz)?");
    } catch (BadAofException | java.io.IOException e) {
      // Neither: the RDB reader says what is wrong with it.
      return false;
    }
  }

  private static boolean isUri(String s) {
    String lower = s.trim().toLowerCase(Locale.ROOT);
    return lower.startsWith("redis://") || lower.startsWith("rediss://");
  }

  private static List<Integer> liveDbs(SelectionOptions selection, RedisUri uri) {
    return selection.dbs.isEmpty() ? List.of(uri.dbOrZero()) : List.copyOf(selection.dbs);
  }

  private VerifyConfig config(SelectionOptions selection, int targetDb) {
    Set<KeyType> typeSet = selection.validatedTypes();
    if (scanCount < 1) {
      throw new IllegalArgumentException("--scan-count (SCAN_BATCH_SIZE) must be at least 1");
    }
    if (ttlTolerance.signum() < 0) {
      throw new IllegalArgumentException("--ttl-tolerance must not be negative");
    }
    MigrationConfig keys =
        new MigrationConfig(
            new LinkedHashSet<>(selection.dbs),
            selection.dbMap,
            targetDb,
            GlobPattern.of(selection.matchBytes()),
            typeSet,
            ExistencePolicy.SKIP,
            pipeline,
            0,
            1,
            maxRate,
            0,
            false,
            selection.renamer(),
            null);
    return new VerifyConfig(
        keys, pipeline, ttlTolerance.movePointRight(3).longValue(), bigKeys.bytes, maxRate, show);
  }

  private static void checkNotSameDatabase(
      RedisUri from, List<Integer> dbs, RedisUri to, VerifyConfig config) {
    if (!from.host().equals(to.host()) || from.port() != to.port()) {
      return;
    }
    for (int db : dbs) {
      if (config.selection().destinationDb(db) == db) {
        throw new IllegalArgumentException(
            "the source and the destination are the same database ("
                + from.address()
                + " db "
                + db
                + "); a database always matches itself");
      }
    }
  }
}
