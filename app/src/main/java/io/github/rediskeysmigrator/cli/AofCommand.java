package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.Tls;
import io.github.rediskeysmigrator.source.AofReplay;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code aof PATH...}: replay an append-only file or directory into the destination. */
@Command(
    name = "aof",
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Replay an append-only persistence into the destination, without any intermediate"
          + " redis-server: its base (an RDB, written like `rdb` writes a file, or commands), then"
          + " its commands, applied like `sync` applies a live stream (same filters, --existing,"
          + " --rename-prefix, cluster routing, MULTI/EXEC kept atomic), in order, until the files"
          + " end or --until / --until-offset.",
      "Point in time: if FLUSHALL ran at 14:05, `--until 2026-03-02T14:04:59Z` leaves the keys as"
          + " they were at 14:04:59 (the commands of Redis 7+ carry #TS: annotations with"
          + " aof-timestamp-enabled yes; `inspect` shows the first and last).",
      "Every file is read once before anything is written: a manifest naming a missing file, or"
          + " any malformed command, is exit 5 with the file and byte offset; a last command cut"
          + " short (a crash) is left out with a note, as Redis's loader does with"
          + " aof-load-truncated yes, and counted as aof_truncated_commands.",
      "Where each command's keys are comes from the destination's COMMAND table, so the"
          + " destination must be reachable even with --dry-run."
    })
final class AofCommand extends WritingCommand {
  @Parameters(
      paramLabel = "PATH",
      arity = "1..*",
      description =
          "An appendonlydir (Redis 7+: read through its manifest, history files ignored), a"
              + " manifest file, or a single AOF file (Redis 6 and older, plain commands or with"
              + " an RDB preamble), plain or gzip. Several PATHs (e.g. one per shard) are"
              + " replayed at the same time, each in its own order.")
  List<Path> paths = new ArrayList<>();

  @Mixin AofOptions aof = new AofOptions();

  AofCommand(Context ctx) {
    super(ctx, "aof");
  }

  @Override
  int start(Launch launch) throws StartFailure, InterruptedException {
    Tls tls = tlsThenReport(launch);
    launch.source(paths.stream().map(Path::toString).collect(Collectors.joining(",")));
    AofReplay.Plan plan;
    try {
      // Before any file is read: a bad mapping or stop is a usage error.
      writing.pipeline.selection.renamer();
      plan =
          new AofReplay.Plan(
              paths,
              aof.stop(),
              aof.until != null,
              writing.destination.resolve(ctx.env()).uri(),
              writing.bigKeys.threshold());
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
    AofReplay.Opened opened;
    try {
      opened = AofReplay.open(plan, tls, ctx.err()::println);
    } catch (BadAofException e) {
      throw StartFailure.badInput(e.getMessage());
    } catch (IOException e) {
      throw StartFailure.badInput("cannot read the AOF files: " + e.getMessage());
    } catch (ConnectException e) {
      throw StartFailure.connection(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
    MigrationRunner.Extras extras =
        new MigrationRunner.Extras(
            r -> r.live(opened::reportFields, opened::describe), null, null, (r, exit, to) -> exit);
    return runner(launch, tls)
        .run(opened.keys(), opened.newestRdbVersion(), writing, opened.live(), extras);
  }
}
