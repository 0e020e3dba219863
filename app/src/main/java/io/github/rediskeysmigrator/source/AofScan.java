package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.aof.AofCommandReader;
import io.github.rediskeysmigrator.aof.AofEntry;
import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.rdb.BadRdbException;
import io.github.rediskeysmigrator.rdb.RdbChecksum;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an append-only persistence once, before anything is written, the way Redis's loader would
 * judge it: every RDB part's header (and a base RDB file's checksum), every command well formed, a
 * cut tail only at the end of the last file. What it finds (where each RDB ends, the timestamp
 * annotations, the tail to drop) tells {@link AofSource} how to replay it.
 *
 * @param layout the files
 * @param parts per file of {@code layout}, in the same order
 * @param annotations the {@code #TS:} annotations of all the files
 * @param firstTimestamp the first annotation's time (epoch seconds), or -1 when there is none
 * @param lastTimestamp the last annotation's time, or -1
 * @param cut the tail Redis drops with {@code aof-load-truncated yes}, or null when the files end
 *     cleanly
 * @param byName the commands of all the files per name (upper case, SELECT not counted, the dropped
 *     tail included), most frequent first: what {@code inspect} shows
 * @param flushes the first {@link #MAX_FLUSHES} FLUSHALL and FLUSHDB commands, in file order: the
 *     usual reason to replay only up to a point
 */
public record AofScan(
    AofLayout layout,
    List<Scanned> parts,
    long annotations,
    long firstTimestamp,
    long lastTimestamp,
    Cut cut,
    Map<String, Long> byName,
    List<Flush> flushes) {

  /** How many FLUSHALL and FLUSHDB commands {@link #flushes} keeps. */
  public static final int MAX_FLUSHES = 10;

  /**
   * A FLUSHALL or FLUSHDB in the files.
   *
   * @param name {@code FLUSHALL} or {@code FLUSHDB}
   * @param part the file it is in
   * @param offset where it starts in that file
   * @param timestamp the last {@code #TS:} annotation before it (epoch seconds), or -1
   * @param commandsBefore the commands before it in all the files (SELECT not counted): the {@code
   *     --until-offset} that replays everything before it
   */
  public record Flush(
      String name, AofLayout.Part part, long offset, long timestamp, long commandsBefore) {}

  /**
   * One file as scanned.
   *
   * @param header the header of its RDB part, or null when it has none
   * @param rdbEnd where its RDB part ends (the offset of its first command), 0 without one
   * @param commands its commands (SELECT not counted)
   */
  public record Scanned(AofLayout.Part part, RdbHeader header, long rdbEnd, long commands) {}

  /**
   * A tail left out: the last file breaks off inside a command, or inside a transaction whose EXEC
   * never came.
   *
   * @param part the (last) file
   * @param offset where the dropped tail starts
   * @param commands the commands dropped: the cut one, and those of an open transaction
   */
  public record Cut(AofLayout.Part part, long offset, long commands) {
    /** The {@code note:} line the user sees. */
    public String note() {
      return "note: "
          + part.file()
          + " ends inside a command at byte "
          + offset
          + " (cut short, e.g. by a crash): "
          + commands
          + (commands == 1 ? " command is" : " commands are")
          + " left out, as Redis does when it loads it with aof-load-truncated yes";
    }
  }

  /**
   * Scans {@code layout}.
   *
   * @param bigKeyThreshold spill size for the keys of an RDB preamble read to find its end
   * @throws BadAofException when Redis would refuse to load the files (exit 5)
   */
  public static AofScan of(AofLayout layout, long bigKeyThreshold)
      throws BadAofException, IOException, InterruptedException {
    List<Scanned> parts = new ArrayList<>();
    long annotations = 0;
    long first = -1;
    long last = -1;
    Cut cut = null;
    Map<String, Long> byName = new HashMap<>();
    List<Flush> flushes = new ArrayList<>();
    long before = 0;
    List<AofLayout.Part> all = layout.parts();
    for (int i = 0; i < all.size(); i++) {
      AofLayout.Part part = all.get(i);
      if (cut != null) {
        throw new BadAofException(
            cut.part().file(),
            cut.offset(),
            "the file ends inside a command, and it is not the last file of "
                + layout.origin()
                + " (Redis refuses to load it)");
      }
      RdbHeader header = null;
      long rdbEnd = 0;
      if (part.format() == AofLayout.Format.EMPTY) {
        parts.add(new Scanned(part, null, 0, 0));
        continue;
      }
      if (part.format() == AofLayout.Format.RDB_PREAMBLE) {
        header = header(part);
        if (layout.manifest() != null) {
          // A base RDB file of Redis 7+: nothing follows its checksum.
          checked(header);
          parts.add(new Scanned(part, header, Long.MAX_VALUE, 0));
          continue;
        }
        rdbEnd = preambleEnd(header, bigKeyThreshold);
      }
      long commands = 0;
      long txStart = -1;
      long txCommands = 0;
      try (AofCommandReader r = AofLayout.commands(part, rdbEnd)) {
        AofEntry e;
        while ((e = r.next()) != null) {
          if (e instanceof AofEntry.Timestamp t) {
            annotations++;
            first = first < 0 ? t.epochSeconds() : first;
            last = t.epochSeconds();
          } else if (e instanceof AofEntry.Truncated t) {
            cut = new Cut(part, txStart >= 0 ? txStart : t.offset(), txCommands + 1);
          } else if (e instanceof AofEntry.Command c) {
            String name = c.name();
            if (name.equals("SELECT")) {
              continue;
            }
            if ((name.equals("FLUSHALL") || name.equals("FLUSHDB"))
                && flushes.size() < MAX_FLUSHES) {
              flushes.add(new Flush(name, part, c.offset(), last, before + commands));
            }
            commands++;
            byName.merge(name, 1L, Long::sum);
            if (name.equals("MULTI")) {
              txStart = c.offset();
              txCommands = 0;
            } else if (name.equals("EXEC")) {
              txStart = -1;
            }
            if (txStart >= 0) {
              txCommands++;
            }
          }
        }
        if (cut == null && txStart >= 0) {
          // Redis reverts a transaction whose EXEC never came, as a cut tail.
          cut = new Cut(part, txStart, txCommands);
        }
      }
      parts.add(new Scanned(part, header, rdbEnd, commands));
      before += commands;
    }
    return new AofScan(
        layout,
        List.copyOf(parts),
        annotations,
        first,
        last,
        cut,
        byFrequency(byName),
        List.copyOf(flushes));
  }

  private static Map<String, Long> byFrequency(Map<String, Long> counts) {
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return Collections.unmodifiableMap(sorted);
  }

  /** The commands of all the files (SELECT not counted), the dropped tail included. */
  public long commands() {
    return parts.stream().mapToLong(Scanned::commands).sum();
  }

  private static RdbHeader header(AofLayout.Part part) throws BadAofException {
    try {
      return RdbHeader.read(part.file());
    } catch (BadRdbException e) {
      throw new BadAofException(part.file(), "its RDB part: " + e.getMessage(), e);
    }
  }

  private static void checked(RdbHeader header) throws BadAofException {
    try {
      RdbChecksum.verify(header);
    } catch (BadRdbException e) {
      throw new BadAofException(header.file(), e.getMessage(), e);
    }
  }

  /**
   * Where the RDB preamble of a single AOF file ends: known only by parsing it (its keys are
   * dropped here), since its length is written nowhere.
   */
  private static long preambleEnd(RdbHeader header, long bigKeyThreshold)
      throws BadAofException, IOException, InterruptedException {
    RdbFileSource rdb = new RdbFileSource(List.of(header), bigKeyThreshold);
    try {
      return rdb.readRdbPart(
          header,
          event -> {
            if (event instanceof KeyEvent key) {
              key.release();
            }
          });
    } catch (SourceException e) {
      throw new BadAofException(header.file(), "its RDB preamble: " + e.getMessage(), e);
    }
  }
}
