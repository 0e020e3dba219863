package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.inspect.AofDescription;
import io.github.rediskeysmigrator.inspect.Description;
import io.github.rediskeysmigrator.inspect.RdbDescription;
import io.github.rediskeysmigrator.rdb.BadRdbException;
import io.github.rediskeysmigrator.rdb.KeyInventory;
import io.github.rediskeysmigrator.rdb.RdbChecksum;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inspect FILE...}: describe RDB files (header, key counts, biggest keys) and AOFs (files,
 * base, command counts, first and last timestamp) offline.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "Describe one or more .rdb or .rdb.gz files without any server: header (RDB version,"
          + " redis-ver and the other AUX fields), checksum, keys per db and per type, keys with"
          + " an expiry and keys already expired, the "
          + KeyInventory.BIGGEST
          + " biggest keys by DUMP payload size, module types and function libraries.",
      "An AOF (an appendonlydir, its manifest, or a single appendonly.aof, gzip'd or not): its"
          + " files (base or incremental, RDB or AOF, size), the base type, the commands by name,"
          + " the first and last #TS: timestamp (to choose aof --until), each FLUSHALL or FLUSHDB"
          + " with the aof --until-offset that stops before it, and a cut tail;"
          + " its base RDB is described as an .rdb.",
      "Each file is read whole; a bad file (not an RDB or AOF, truncated RDB, checksum mismatch,"
          + " malformed command: the file and byte offset) exits 5."
    })
final class InspectCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(
      paramLabel = "FILE",
      arity = "1..*",
      description =
          "RDB files, or AOFs (a directory, a manifest, or a file named *.aof* or starting with a"
              + " command), described in order.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--json",
      description = "Print one JSON object (fields in docs/inspect.md) instead of the text.")
  boolean json;

  InspectCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    long now = ctx.clock().millis();
    // An RdbHeader for an RDB file, an AofLayout for an AOF.
    List<Object> checked = new ArrayList<>();
    List<Description> described = new ArrayList<>();
    try {
      // Every file is checked before any is described, as rdb does before writing: an RDB's
      // header and CRC64, an AOF's manifest and the files it names.
      for (Path file : files) {
        checked.add(AofDescription.looksLikeAof(file) ? AofLayout.of(file) : RdbHeader.read(file));
      }
      List<RdbChecksum.Result> checksums = new ArrayList<>();
      for (Object c : checked) {
        checksums.add(c instanceof RdbHeader h ? RdbChecksum.verify(h) : null);
      }
      for (int i = 0; i < checked.size(); i++) {
        described.add(
            checked.get(i) instanceof RdbHeader h
                ? RdbDescription.of(h, checksums.get(i), now)
                : AofDescription.of((AofLayout) checked.get(i), now));
      }
    } catch (BadRdbException | BadAofException | SourceException e) {
      ctx.err().println("error: " + e.getMessage());
      return ExitCode.BAD_INPUT;
    } catch (IOException e) {
      ctx.err().println("error: cannot read " + files + ": " + e.getMessage());
      return ExitCode.BAD_INPUT;
    }
    ctx.out().print(json ? InspectOutput.json(now, described) : InspectOutput.text(now, described));
    ctx.out().flush();
    return ExitCode.OK;
  }
}
