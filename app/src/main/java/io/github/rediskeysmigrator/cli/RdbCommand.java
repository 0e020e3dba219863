package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.LiveOptions;
import io.github.rediskeysmigrator.core.MergedSource;
import io.github.rediskeysmigrator.rdb.BadRdbException;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.source.RdbFileSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rdb FILE...}: migrate the keys of RDB files straight into the destination. */
@Command(
    name = "rdb",
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Migrate the keys of one or more .rdb or .rdb.gz files (e.g. one per shard of an"
          + " ElastiCache backup) into the destination, without any intermediate redis-server.",
      "Every file is checked first (header, version, CRC64 checksum), so a bad file stops the"
          + " run before anything is written.",
      "Keys are written with RESTORE. For a destination that refuses a file's RDB version (an"
          + " older one, or Valkey 9 for Redis' 12 to 79), a payload whose value type it reads is"
          + " restamped with its version and restored (counted as restamped); any other key is"
          + " rewritten (counted as rewritten): in one RESTORE of its value in plain encodings"
          + " where the value allows, else as plain commands (XADD, HSET with HPEXPIREAT, ...)"
          + " under a temporary key renamed into place.",
      "A Redis 8.6 stream (RDB 13) written for any other destination loses its IDMP"
          + " (idempotent-producer) state, which only Redis 8.6+ holds: where that state is not"
          + " empty, a NOTE line per key in the error log, counted as idmp_left_out."
    })
final class RdbCommand extends WritingCommand {
  @Parameters(
      paramLabel = "FILE",
      arity = "0..*",
      description =
          "RDB files (plain or gzip) of Redis 2.x to 8.6 (RDB versions 1 to 13) or Valkey (up"
              + " to Valkey 9's VALKEY080), at least one here or in --files-from; with --parallel"
              + " 1, read in the order given.")
  List<Path> files = new ArrayList<>();

  @Mixin ShardOptions shard = new ShardOptions();

  @Option(
      names = "--skip-checksum",
      description =
          "Do not verify each file's CRC64 before migrating (saves one read of the file;"
              + " a truncated file is then found only when reading reaches its end).")
  boolean skipChecksum;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = {
        "Read up to N files at the same time, each on a thread of its own, into the same"
            + " writer(s). Default: the number of files, at most the number of processors."
      })
  Integer parallel;

  @Mixin ReadCheckpointOptions checkpoint = new ReadCheckpointOptions();

  RdbCommand(Context ctx) {
    super(ctx, "rdb");
  }

  @Override
  int start(Launch launch) throws StartFailure, InterruptedException {
    try {
      files = shard.apply(files, writing.pipeline, ctx.env(), ctx.err());
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
    Tls tls = tlsThenReport(launch);
    launch.source(files.stream().map(Path::toString).collect(Collectors.joining(",")));
    long bigKeyThreshold;
    try {
      bigKeyThreshold = writing.bigKeys.threshold();
      // Before any file is read: a bad mapping is a usage error.
      writing.pipeline.selection.renamer();
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
    List<RdbHeader> headers;
    try {
      headers = RdbFileSource.checkedHeaders(files, !skipChecksum, ctx.err()::println);
    } catch (BadRdbException e) {
      throw StartFailure.badInput(e.getMessage());
    }
    if (parallel != null && parallel < 1) {
      throw StartFailure.usage("--parallel must be at least 1");
    }
    int threads =
        Math.min(
            files.size(), parallel != null ? parallel : Runtime.getRuntime().availableProcessors());
    var resume = checkpoint.open("rdb", writing.pipeline, files, null, ctx.err());
    KeySource source;
    try {
      List<RdbFileSource> each = new ArrayList<>();
      for (List<RdbHeader> part : threads <= 1 ? List.of(headers) : split(headers)) {
        RdbFileSource s = new RdbFileSource(part, bigKeyThreshold).withNotes(ctx.err()::println);
        each.add(resume == null ? s : s.checkpointed(resume.points()));
      }
      source = threads <= 1 ? each.get(0) : new MergedSource(each, threads, "rkm-rdb");
    } catch (IOException e) {
      throw StartFailure.badInput("cannot read the input files: " + e);
    }
    int newest = headers.stream().mapToInt(RdbHeader::payloadVersion).max().orElse(0);
    return runner(launch, tls)
        .checkpointed(resume)
        .run(source, newest, writing, LiveOptions.NONE, MigrationRunner.Extras.NONE);
  }

  private static List<List<RdbHeader>> split(List<RdbHeader> headers) {
    return headers.stream().map(List::of).toList();
  }
}
