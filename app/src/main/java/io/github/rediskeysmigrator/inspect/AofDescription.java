package io.github.rediskeysmigrator.inspect;

import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.rdb.BadRdbException;
import io.github.rediskeysmigrator.rdb.RdbChecksum;
import io.github.rediskeysmigrator.rdb.RdbFiles;
import io.github.rediskeysmigrator.source.AofScan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an append-only persistence holds, read without a server: the scan {@code aof} makes before
 * it writes anything (files, commands by name, {@code #TS:} annotations, a cut tail), the size of
 * each file, and the base RDB described as {@code inspect} describes an {@code .rdb}. The base RDB
 * is read once more for that (the scan only finds where it ends): inspect reads every file whole
 * anyway.
 *
 * @param scan what {@code aof} would replay, and what it would leave out
 * @param sizes each file's size on disk (compressed for gzip), in the order of {@code scan.parts()}
 * @param baseRdb the base RDB (a base file or a single file's preamble), if there is one
 */
public record AofDescription(AofScan scan, List<Long> sizes, Optional<RdbDescription> baseRdb)
    implements Description {

  /** The files, as the user named them. */
  public AofLayout layout() {
    return scan.layout();
  }

  /** How the base is stored: {@code RDB}, {@code AOF} (commands), {@code empty} or {@code none}. */
  public String baseType() {
    for (AofLayout.Part p : layout().parts()) {
      if (p.base()) {
        return switch (p.format()) {
          case RDB_PREAMBLE -> "RDB";
          case COMMANDS -> "AOF";
          case EMPTY -> "empty";
        };
      }
    }
    return "none";
  }

  /**
   * Whether {@code path} names an AOF rather than an RDB file: a directory, a manifest, a name with
   * {@code .aof} in it, or a file whose (decompressed) first byte starts a command or annotation.
   */
  public static boolean looksLikeAof(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    if (Files.isDirectory(path) || name.endsWith(".manifest") || name.contains(".aof")) {
      return true;
    }
    if (!Files.isRegularFile(path)) {
      return false;
    }
    try (InputStream in = RdbFiles.open(path)) {
      int first = in.read();
      return first == '*' || first == '#';
    } catch (IOException e) {
      // Unreadable, or not gzip after all: the RDB path reports it the way it always has.
      return false;
    }
  }

  /**
   * Reads every file of {@code layout}, judging the base's expiries at {@code nowMs}.
   *
   * @throws BadAofException when Redis would refuse the files (see {@link AofScan})
   * @throws BadRdbException when the base RDB's checksum does not match
   */
  public static AofDescription of(AofLayout layout, long nowMs)
      throws IOException, BadAofException, BadRdbException, SourceException, InterruptedException {
    AofScan scan = AofScan.of(layout, Long.MAX_VALUE);
    List<Long> sizes = new ArrayList<>();
    RdbDescription base = null;
    for (AofScan.Scanned s : scan.parts()) {
      sizes.add(Files.size(s.part().file()));
      if (s.header() != null && base == null) {
        // A Redis 7 base file is an RDB alone; a single file's RDB is a preamble to commands.
        base =
            layout.manifest() != null
                ? RdbDescription.of(s.header(), RdbChecksum.verify(s.header()), nowMs)
                : RdbDescription.ofPreamble(s.header(), nowMs);
      }
    }
    return new AofDescription(scan, List.copyOf(sizes), Optional.ofNullable(base));
  }
}
