package io.github.rediskeysmigrator.inspect;

import io.github.rediskeysmigrator.aof.AofCommandReader;
import io.github.rediskeysmigrator.aof.AofEntry;
import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.rdb.BadRdbException;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an append-only persistence holds, read through once without a server: its files, the base
 * (an RDB, described as {@code inspect} describes an {@code .rdb}, or commands), how many of each
 * command the files log, and the first and last {@code #TS:} annotation, from which a user picks
 * the point in time to replay to.
 *
 * @param layout the files, in loading order
 * @param parts what each file holds, in the same order
 * @param baseRdb the base RDB (a base file or a single file's preamble), if there is one
 * @param commands how many times each command (upper case) is logged, most frequent first
 * @param firstTimestamp the first {@code #TS:} annotation (Unix seconds), if any
 * @param lastTimestamp the last one
 * @param truncated where the last file breaks off inside a command, if it does
 */
public record AofDescription(
    AofLayout layout,
    List<PartDescription> parts,
    Optional<RdbDescription> baseRdb,
    Map<String, Long> commands,
    OptionalLong firstTimestamp,
    OptionalLong lastTimestamp,
    Optional<Truncation> truncated) {

  /**
   * One file.
   *
   * @param part where it is, its role and format
   * @param sizeBytes its size on disk (compressed for gzip)
   * @param commands the commands it logs (after its RDB preamble, if any)
   */
  public record PartDescription(AofLayout.Part part, long sizeBytes, long commands) {}

  /**
   * A last file cut inside a command: the tail Redis drops with {@code aof-load-truncated yes}.
   *
   * @param file the file
   * @param offset where the cut command starts (decompressed bytes)
   * @param bytesDropped the bytes from there to the end
   */
  public record Truncation(Path file, long offset, long bytesDropped) {}

  /** How the base is stored: {@code RDB}, {@code AOF} (commands), {@code empty} or {@code none}. */
  public String baseType() {
    for (AofLayout.Part p : layout.parts()) {
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

  /** All the commands logged. */
  public long commandTotal() {
    return commands.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Whether {@code path} names an AOF rather than an RDB file: a directory, a manifest, a name with
   * {@code .aof} in it, or a file whose (decompressed) first byte starts a command or annotation.
   */
  public static boolean looksLikeAof(Path path) throws IOException {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    if (Files.isDirectory(path) || name.endsWith(".manifest") || name.contains(".aof")) {
      return true;
    }
    if (!Files.isRegularFile(path)) {
      return false;
    }
    try (InputStream in = io.github.rediskeysmigrator.rdb.RdbFiles.open(path)) {
      int first = in.read();
      return first == '*' || first == '#';
    } catch (IOException e) {
      // Not readable as gzip or at all: the RDB path reports it the way it always has.
      return false;
    }
  }

  /**
   * Reads every file of {@code layout}, judging the base's expiries at {@code nowMs}.
   *
   * @throws BadAofException for a malformed command (with its file and offset), an incremental file
   *     that starts with an RDB, or a cut command in a file other than the last (Redis refuses
   *     those too)
   */
  public static AofDescription of(AofLayout layout, long nowMs)
      throws IOException, BadAofException, BadRdbException, SourceException, InterruptedException {
    List<PartDescription> parts = new ArrayList<>();
    Map<String, Long> counts = new HashMap<>();
    RdbDescription base = null;
    Long first = null;
    long last = 0;
    Truncation truncated = null;
    List<AofLayout.Part> files = layout.parts();
    for (int i = 0; i < files.size(); i++) {
      AofLayout.Part part = files.get(i);
      long start = 0;
      if (part.format() == AofLayout.Format.RDB_PREAMBLE) {
        if (!part.base()) {
          throw new BadAofException(part.file(), 0, "is an incremental file that holds an RDB");
        }
        base = RdbDescription.ofPreamble(RdbHeader.read(part.file()), nowMs);
        start = base.rdbBytes();
      }
      long commands = 0;
      try (InputStream in = AofLayout.open(part)) {
        in.skipNBytes(start);
        AofCommandReader reader =
            new AofCommandReader(part.file(), in, start, AofLayout.dataBound(part));
        for (AofEntry e = reader.next(); e != null; e = reader.next()) {
          if (e instanceof AofEntry.Command c) {
            counts.merge(c.name(), 1L, Long::sum);
            commands++;
          } else if (e instanceof AofEntry.Timestamp t) {
            first = first == null ? t.epochSeconds() : first;
            last = t.epochSeconds();
          } else if (e instanceof AofEntry.Truncated t) {
            if (i < files.size() - 1) {
              throw new BadAofException(
                  part.file(),
                  t.offset(),
                  "a command is cut off, and this is not the last file (Redis loads a cut command"
                      + " only at the very end)");
            }
            long rest = in.transferTo(OutputStream.nullOutputStream());
            truncated =
                new Truncation(part.file(), t.offset(), reader.position() + rest - t.offset());
          }
        }
      }
      parts.add(new PartDescription(part, Files.size(part.file()), commands));
    }
    return new AofDescription(
        layout,
        List.copyOf(parts),
        Optional.ofNullable(base),
        byFrequency(counts),
        first == null ? OptionalLong.empty() : OptionalLong.of(first),
        first == null ? OptionalLong.empty() : OptionalLong.of(last),
        Optional.ofNullable(truncated));
  }

  private static Map<String, Long> byFrequency(Map<String, Long> counts) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                .reversed()
                .thenComparing(e -> e.getKey().toLowerCase(Locale.ROOT)))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return java.util.Collections.unmodifiableMap(sorted);
  }
}
