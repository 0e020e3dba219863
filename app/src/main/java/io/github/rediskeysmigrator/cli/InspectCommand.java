package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.rdb.AuxFields;
import io.github.rediskeysmigrator.rdb.BadRdbException;
import io.github.rediskeysmigrator.rdb.FunctionLibraryNames;
import io.github.rediskeysmigrator.rdb.KeyInventory;
import io.github.rediskeysmigrator.rdb.RdbChecksum;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import io.github.rediskeysmigrator.source.RdbFileSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inspect FILE...}: describe RDB files (header, key counts, biggest keys) offline. */
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
      "Each file is read whole; a bad file (not an RDB, truncated, checksum mismatch) exits 5."
    })
final class InspectCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "RDB files, described in order.")
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
    List<RdbHeader> headers = new ArrayList<>();
    List<RdbChecksum.Result> checksums = new ArrayList<>();
    List<InspectOutput.FileDescription> described = new ArrayList<>();
    try {
      // Every file is checked before any is described, as rdb does before writing.
      for (Path file : files) {
        headers.add(RdbHeader.read(file));
      }
      for (RdbHeader h : headers) {
        checksums.add(RdbChecksum.verify(h));
      }
      for (int i = 0; i < headers.size(); i++) {
        described.add(describe(headers.get(i), checksums.get(i), now));
      }
    } catch (BadRdbException e) {
      ctx.err().println("error: " + e.getMessage());
      return ExitCode.BAD_INPUT;
    } catch (SourceException e) {
      ctx.err().println("error: " + e.getMessage());
      return ExitCode.BAD_INPUT;
    }
    ctx.out().print(json ? InspectOutput.json(now, described) : InspectOutput.text(now, described));
    ctx.out().flush();
    return ExitCode.OK;
  }

  private static InspectOutput.FileDescription describe(
      RdbHeader header, RdbChecksum.Result checksum, long now)
      throws BadRdbException, SourceException, InterruptedException {
    Map<String, String> aux = AuxFields.read(header);
    KeyInventory inventory = new KeyInventory(now);
    RdbFileSource source;
    long size;
    try {
      source = new RdbFileSource(List.of(header));
      size = Files.size(header.file());
    } catch (IOException e) {
      throw new BadRdbException(header.file(), "cannot be read: " + e.getMessage(), e);
    }
    source.readInto(inventory);
    List<byte[]> functions = source.functionLibraries();
    List<String> libraries = new ArrayList<>();
    for (byte[] f : functions) {
      FunctionLibraryNames.of(f).ifPresent(libraries::add);
    }
    return new InspectOutput.FileDescription(
        header, size, aux, checksum, inventory, functions.size(), List.copyOf(libraries));
  }
}
