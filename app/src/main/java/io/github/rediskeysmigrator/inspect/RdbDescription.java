package io.github.rediskeysmigrator.inspect;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one RDB holds (an {@code .rdb} file, an AOF's base file, or an AOF's RDB preamble), read
 * whole with the reader {@code rdb} uses.
 *
 * @param header its checked header
 * @param sizeBytes its size on disk (compressed for .rdb.gz)
 * @param aux its AUX fields, in file order
 * @param checksum what the CRC64 check found
 * @param keys its keys, counted
 * @param functions function libraries in it
 * @param libraryNames the names of those libraries that could be read
 * @param rdbBytes how many (decompressed) bytes the RDB takes, its checksum included: the offset of
 *     the commands that follow an AOF's RDB preamble
 */
public record RdbDescription(
    RdbHeader header,
    long sizeBytes,
    Map<String, String> aux,
    RdbChecksum.Result checksum,
    KeyInventory keys,
    int functions,
    List<String> libraryNames,
    long rdbBytes)
    implements Description {

  /**
   * Reads the file of {@code header}, whose checksum was already checked, judging expiry at {@code
   * nowMs}.
   */
  public static RdbDescription of(RdbHeader header, RdbChecksum.Result checksum, long nowMs)
      throws BadRdbException, SourceException, InterruptedException {
    Map<String, String> aux = AuxFields.read(header);
    KeyInventory inventory = new KeyInventory(nowMs);
    RdbFileSource source;
    long size;
    try {
      source = new RdbFileSource(List.of(header));
      size = Files.size(header.file());
    } catch (IOException e) {
      throw new BadRdbException(header.file(), "cannot be read: " + e.getMessage(), e);
    }
    long rdbBytes = source.readRdbPart(header, inventory);
    List<byte[]> functions = source.functionLibraries();
    List<String> libraries = new ArrayList<>();
    for (byte[] f : functions) {
      FunctionLibraryNames.of(f).ifPresent(libraries::add);
    }
    return new RdbDescription(
        header, size, aux, checksum, inventory, functions.size(), List.copyOf(libraries), rdbBytes);
  }

  /**
   * Reads the RDB preamble at the start of an AOF file: its keys first (which tells where it ends),
   * then the checksum of those bytes alone.
   */
  public static RdbDescription ofPreamble(RdbHeader header, long nowMs)
      throws BadRdbException, SourceException, InterruptedException {
    RdbDescription read = of(header, RdbChecksum.Result.ABSENT, nowMs);
    RdbChecksum.Result checksum = RdbChecksum.verifyPrefix(header, read.rdbBytes());
    return new RdbDescription(
        header,
        read.sizeBytes(),
        read.aux(),
        checksum,
        read.keys(),
        read.functions(),
        read.libraryNames(),
        read.rdbBytes());
  }
}
