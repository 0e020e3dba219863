package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExistencePolicy;
import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.GlobPattern;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.MigrationConfig.Defaults;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.rdb.BadRdbException;
import io.github.rediskeysmigrator.rdb.RdbChecksum;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.sink.Throttle;
import io.github.rediskeysmigrator.source.RdbFileSource;
import io.github.rediskeysmigrator.verify.DestinationNodes;
import io.github.rediskeysmigrator.verify.DifferenceLog;
import io.github.rediskeysmigrator.verify.ExtraKeys;
import io.github.rediskeysmigrator.verify.LiveScanReader;
import io.github.rediskeysmigrator.verify.RdbFileReader;
import io.github.rediskeysmigrator.verify.SourceReader;
import io.github.rediskeysmigrator.verify.Verifier;
import io.github.rediskeysmigrator.verify.VerifyConfig;
import io.github.rediskeysmigrator.verify.VerifyReport;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * {@code verify}: compare a source (RDB files or a live Redis) with the destination, key by key.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Compare the source with the destination key by key: existence, type, value and TTL (and"
          + " each hash field's TTL, Redis 7.4+). The"
          + " source is read the way rdb (files; header and checksum checked first) and scan (a"
          + " live Redis) read it, with the same filters, db mapping and --rename-prefix (each key"
          + " is looked up under its new name), so the options of a"
          + " migration verify exactly what it migrated.",
      "Values are compared by DUMP payload, and where the payloads differ (another server"
          + " version, hash-table order) by a canonical digest of the data. Keys above"
          + " --big-key-threshold are read in chunks, never whole. Keys only at the destination"
          + " are looked for with --extra-keys.",
      "The destination may be a Redis Cluster (db 0 only; a Valkey 9 cluster: the dbs of its"
          + " cluster-databases): each key is read on the master that owns its slot, one"
          + " connection per master.",
      "A Redis 8.6 stream's IDMP state (RDB 13) is compared where both sides hold one; a"
          + " destination without it is no difference, counted as idmp_not_compared.",
      "Exit 0: identical; 6: differences found (see --diff-file)."
    })
final class VerifyCommand implements Callable<Integer> {

  private final Context ctx;

  @Option(
      names = "--from",
      arity = "1..*",
      paramLabel = "URI|FILE",
      description = {
        "The source: one live redis://[user:password@]host:port[/db], or one or more .rdb /"
            + " .rdb.gz files (anything without redis:// or rediss:// is a file).",
        "Without it: SOURCE_REDIS_HOST, SOURCE_REDIS_PORT, SOURCE_REDIS_DB_INDEX, then"
            + " redis://localhost:6379/0. A password may also come from SOURCE_REDIS_PASSWORD."
      })
  List<String> from = new ArrayList<>();

  @Mixin DestinationOptions destination = new DestinationOptions();

  @Mixin TlsOptions tlsOptions = new TlsOptions();

  @Mixin SelectionOptions selection = new SelectionOptions();

  @Option(
      names = "--ttl-tolerance",
      paramLabel = "SECONDS",
      defaultValue = VerifyConfig.Defaults.TTL_TOLERANCE_SECONDS,
      description = "Two absolute expiries this close count as equal (default: ${DEFAULT-VALUE}).")
  BigDecimal ttlTolerance;

  @Option(
      names = "--big-key-threshold",
      paramLabel = "SIZE",
      defaultValue = VerifyConfig.Defaults.BIG_KEY_THRESHOLD,
      description =
          "Keys bigger than this (MEMORY USAGE) are compared in chunks instead of with DUMP,"
              + " e.g. 67108864, 512KB, 64MB (default: ${DEFAULT-VALUE}).")
  String bigKeyThreshold;

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

  @Option(
      names = "--report",
      paramLabel = "FILE.json",
      description =
          "Also write the final counts as JSON to this file. Tried at start (exit 2 if it cannot"
              + " be written); if writing it fails at the end, the exit code is 74.")
  Path report;

  // The report's path failed its check at start: nothing is ever written there.
  private boolean reportRefused;

  @Option(
      names = "--existing-report",
      paramLabel = "FILE.json",
      description =
          "The JSON report of the migration being verified. Its skipped_existing keys were left"
              + " alone on purpose; when no key is missing and no more keys differ than it"
              + " skipped, the differences are put down to them and the exit code is 0.")
  Path existingReport;

  @Option(
      names = "--progress",
      paramLabel = "WHEN",
      defaultValue = "auto",
      description =
          "Progress line on stderr: auto (when a terminal), always, never. Default:"
              + " ${DEFAULT-VALUE}.")
  String progress;

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

  VerifyCommand(Context ctx) {
    this.ctx = ctx;
  }

  /** What --from names. */
  private record Source(RedisUri uri, List<Path> files, String label) {
    boolean live() {
      return uri != null;
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Tls tls;
    try {
      tls = tlsOptions.build(ctx.err());
    } catch (IllegalArgumentException e) {
      ctx.err().println("error: " + e.getMessage());
      return ExitCode.USAGE;
    }
    Source src;
    VerifyConfig config;
    RedisUri to;
    boolean explicitDb;
    Long skippedExisting;
    try {
      // Tried before the comparison, which may take hours, not after it.
      OutputCheck.writable(report, "the report");
    } catch (IllegalArgumentException e) {
      reportRefused = true;
      return failBeforeStart("", "", ExitCode.USAGE, e.getMessage());
    }
    try {
      src = source();
      EnvAddress.Resolved resolved = destination.resolve(ctx.env());
      to = resolved.uri();
      explicitDb = resolved.explicitDb();
      config = config(explicitDb ? to.db() : -1);
      if (src.live()) {
        checkNotSameDatabase(src.uri(), liveDbs(src.uri()), to, config);
      }
      skippedExisting =
          existingReport == null ? null : ExistingReport.skippedExisting(existingReport);
    } catch (IllegalArgumentException e) {
      return failBeforeStart("", "", ExitCode.USAGE, e.getMessage());
    }

    SourceReader reader;
    Connection sourceConn = null;
    ExtraKeys extra = null;
    if (src.live()) {
      try {
        sourceConn = RedisConnector.connect(src.uri(), src.uri().dbOrZero(), "source", tls);
        reader =
            LiveScanReader.open(
                sourceConn,
                ServerInfo.query(sourceConn),
                liveDbs(src.uri()),
                selection.matchBytes(),
                scanCount,
                config,
                ctx.clock(),
                ctx.sleeper(),
                src.label());
        if (extraKeys) {
          Connection lookups =
              RedisConnector.connect(src.uri(), src.uri().dbOrZero(), "source", tls);
          extra = ExtraKeys.ofLive(lookups, liveDbs(src.uri()), config, scanCount, src.label());
        }
      } catch (ConnectException e) {
        if (sourceConn != null) {
          sourceConn.close();
        }
        return failBeforeStart(src.label(), to.toString(), ExitCode.CONNECTION, e.getMessage());
      } catch (JedisConnectionException e) {
        if (sourceConn != null) {
          sourceConn.close();
        }
        return failBeforeStart(
            src.label(),
            to.toString(),
            ExitCode.CONNECTION,
            "source " + src.label() + ": connection lost (" + e.getMessage() + ")");
      }
    } else {
      try {
        reader = new RdbFileReader(new RdbFileSource(checkedHeaders(src.files())));
        extra = extraKeys ? ExtraKeys.ofFiles(config, scanCount) : null;
      } catch (BadRdbException e) {
        return failBeforeStart(src.label(), to.toString(), ExitCode.BAD_INPUT, e.getMessage());
      } catch (IOException e) {
        return failBeforeStart(
            src.label(), to.toString(), ExitCode.BAD_INPUT, "cannot read the input files: " + e);
      }
    }

    DestinationNodes dest;
    try {
      dest = DestinationNodes.open(to, tls, config, ctx.clock()::millis);
    } catch (ConnectException | IllegalArgumentException | JedisConnectionException e) {
      if (sourceConn != null) {
        sourceConn.close();
      }
      if (extra != null) {
        extra.close();
      }
      boolean usage = e instanceof IllegalArgumentException;
      return failBeforeStart(
          src.label(),
          to.toString(),
          usage ? ExitCode.USAGE : ExitCode.CONNECTION,
          e instanceof JedisConnectionException
              ? "destination " + to + ": connection lost (" + e.getMessage() + ")"
              : e.getMessage());
    }

    DifferenceLog diffs;
    try {
      diffs = DifferenceLog.open(config.show(), diffFile);
    } catch (IOException e) {
      dest.close();
      if (sourceConn != null) {
        sourceConn.close();
      }
      if (extra != null) {
        extra.close();
      }
      return failBeforeStart(
          src.label(),
          to.toString(),
          ExitCode.USAGE,
          "cannot write the diff file " + diffFile + ": " + e);
    }

    VerifyReport result = new VerifyReport(src.label(), to.toString(), skippedExisting);
    // A file source is paced here; a live one paces its own reads.
    Throttle throttle =
        new Throttle(src.live() ? 0 : config.maxRate(), System::nanoTime, ctx.sleeper());
    Verifier verifier =
        new Verifier(reader, config, dest, diffs, result, throttle, ctx.clock(), extra);
    boolean showProgress = progress.equals("always") || (progress.equals("auto") && ctx.terminal());
    int exit;
    try (StopOnSignal signals = new StopOnSignal(verifier::requestStop, ctx.out())) {
      VerifyProgress printer =
          showProgress
              ? new VerifyProgress(result, reader, ctx.err(), ctx.terminal(), ctx.clock())
              : null;
      try {
        exit = verifier.run();
      } finally {
        if (printer != null) {
          printer.close();
        }
        try {
          diffs.close();
        } catch (IOException e) {
          ctx.err().println("error: cannot write the diff file " + diffFile + ": " + e);
        }
      }
      // The summary and report must be out before a signal's hook lets the JVM go.
      VerifySummary.print(ctx, result, diffs);
      if (!writeReport(result)) {
        exit = OutputCheck.reportMissing(ctx.err(), exit);
      }
    }
    return exit;
  }

  private Source source() {
    List<String> uris = from.stream().filter(VerifyCommand::isUri).toList();
    if (from.isEmpty()) {
      RedisUri uri = EnvAddress.resolve(null, "SOURCE", ctx.env()).uri();
      return new Source(uri, List.of(), uri.toString());
    }
    if (!uris.isEmpty()) {
      if (from.size() > 1) {
        throw new IllegalArgumentException(
            "--from takes one redis:// URI or one or more files, not both or several URIs");
      }
      RedisUri uri = EnvAddress.resolve(uris.get(0), "SOURCE", ctx.env()).uri();
      return new Source(uri, List.of(), uri.toString());
    }
    List<Path> files = from.stream().map(Path::of).toList();
    return new Source(null, files, String.join(",", from));
  }

  private static boolean isUri(String s) {
    String lower = s.trim().toLowerCase(Locale.ROOT);
    return lower.startsWith("redis://") || lower.startsWith("rediss://");
  }

  private List<Integer> liveDbs(RedisUri uri) {
    return selection.dbs.isEmpty() ? List.of(uri.dbOrZero()) : List.copyOf(selection.dbs);
  }

  private VerifyConfig config(int targetDb) {
    Set<KeyType> typeSet = selection.validatedTypes();
    if (!List.of("auto", "always", "never").contains(progress)) {
      throw new IllegalArgumentException(
          "--progress must be auto, always or never, got '" + progress + "'");
    }
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
        keys,
        pipeline,
        ttlTolerance.movePointRight(3).longValue(),
        VerifyConfig.parseSize("--big-key-threshold", bigKeyThreshold),
        maxRate,
        show);
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

  private List<RdbHeader> checkedHeaders(List<Path> files) throws BadRdbException {
    List<RdbHeader> headers = new ArrayList<>();
    for (Path file : files) {
      headers.add(RdbHeader.read(file));
    }
    if (!skipChecksum) {
      for (RdbHeader h : headers) {
        if (RdbChecksum.verify(h) == RdbChecksum.Result.ABSENT) {
          ctx.err().println("note: " + h.file() + " carries no checksum; it cannot be verified");
        }
      }
    }
    return headers;
  }

  private int failBeforeStart(String sourceLabel, String destLabel, int code, String message) {
    ctx.err().println("error: " + message);
    VerifyReport r = new VerifyReport(sourceLabel, destLabel, null);
    r.finish(0, 0, code, message);
    writeReport(r);
    return code;
  }

  /** Writes --report when asked for; false (and one line on stderr) if that failed. */
  private boolean writeReport(VerifyReport r) {
    if (report == null || reportRefused) {
      return true;
    }
    try {
      Files.writeString(report, r.toJson(), StandardCharsets.UTF_8);
      return true;
    } catch (IOException e) {
      ctx.err().println("error: cannot write the report " + report + ": " + e);
      return false;
    }
  }
}
