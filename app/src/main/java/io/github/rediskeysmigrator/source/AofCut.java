package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.aof.AofCommandReader;
import io.github.rediskeysmigrator.aof.AofEntry;
import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.aof.AofManifest;
import io.github.rediskeysmigrator.aof.BadAofException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code aof} would stop in an {@link AofScan}ned persistence, as byte offsets: the files
 * kept and how many (decompressed) bytes of each, so that a copy cut there holds exactly the
 * commands {@link AofSource} replays with the same {@link AofSource.Stop}: a transaction whole or
 * not at all, a cut tail left out. Such a copy is what an independent loader (a {@code
 * redis-server}) is given.
 *
 * @param scan the files
 * @param pieces the files kept, in loading order
 * @param commands the commands kept (SELECT not counted)
 * @param stoppedBy why the cut is before the end, or null when everything is kept
 */
public record AofCut(AofScan scan, List<Piece> pieces, long commands, String stoppedBy) {

  /** Name of the files written by {@link #writeTo}: {@code appendfilename} for the loader. */
  public static final String FILE_NAME = "oracle.aof";

  /** Directory of the multi-part copy written by {@link #writeTo}: {@code appenddirname}. */
  public static final String DIR_NAME = "appendonlydir";

  /**
   * One file kept.
   *
   * @param part the file
   * @param length how many of its decompressed bytes are kept ({@link Long#MAX_VALUE}: all)
   */
  public record Piece(AofLayout.Part part, long length) {}

  /**
   * The cut of {@code scan} at {@code stop}.
   *
   * @throws IllegalArgumentException when a time is asked of files without annotations (exit 2)
   */
  public static AofCut of(AofScan scan, AofSource.Stop stop, boolean untilTime)
      throws BadAofException, IOException {
    if (untilTime && scan.annotations() == 0) {
      throw new IllegalArgumentException(
          "--until needs the #TS: annotations Redis 7+ writes with aof-timestamp-enabled yes, and "
              + scan.layout().origin()
              + " has none; stop after a number of commands with --until-offset N instead");
    }
    Walk walk = new Walk(stop);
    List<Piece> pieces = new ArrayList<>();
    for (AofScan.Scanned s : scan.parts()) {
      AofLayout.Part part = s.part();
      if (part.format() == AofLayout.Format.EMPTY || s.rdbEnd() == Long.MAX_VALUE) {
        pieces.add(new Piece(part, Long.MAX_VALUE));
        continue;
      }
      long keep = walk.through(part, s.rdbEnd());
      if (keep > 0 || pieces.isEmpty()) {
        // A file cut before its first command adds nothing: the manifest does not name it.
        pieces.add(new Piece(part, keep));
      }
      if (walk.stoppedBy != null) {
        break;
      }
    }
    return new AofCut(scan, List.copyOf(pieces), walk.replayed, walk.stoppedBy);
  }

  /** The stop point in words, for the report: where the copy ends and why. */
  public String describe() {
    Piece last = pieces.get(pieces.size() - 1);
    String where =
        last.length() == Long.MAX_VALUE
            ? "the end of " + last.part().file()
            : last.part().file() + " at byte " + last.length();
    return commands
        + " commands, up to "
        + where
        + (stoppedBy == null ? "" : " (stopped by " + stoppedBy + ")")
        + (scan.cut() == null ? "" : "; the cut tail (" + scan.cut().commands() + ") left out");
  }

  /**
   * Writes the cut copy into {@code dir}, decompressed: with {@code multiPart} (Redis 7+) as an
   * {@value #DIR_NAME} whose manifest names only the kept files; else (Redis 6) as one file {@value
   * #FILE_NAME}.
   *
   * @throws IllegalArgumentException when a multi-part persistence is to be written as one file
   */
  public void writeTo(Path dir, boolean multiPart) throws IOException, BadAofException {
    if (!multiPart) {
      if (scan.layout().manifest() != null) {
        throw new IllegalArgumentException(
            scan.layout().origin()
                + " is a multi-part AOF (Redis 7+), which a Redis 6 oracle cannot load");
      }
      try (OutputStream out = Files.newOutputStream(dir.resolve(FILE_NAME))) {
        for (Piece p : pieces) {
          copy(p, out);
        }
      }
      return;
    }
    Path aofDir = Files.createDirectories(dir.resolve(DIR_NAME));
    boolean hasBase =
        scan.layout().manifest() == null
            || AofManifest.read(scan.layout().manifest()).base().isPresent();
    StringBuilder manifest = new StringBuilder();
    int incr = 0;
    for (int i = 0; i < pieces.size(); i++) {
      Piece p = pieces.get(i);
      boolean base = i == 0 && hasBase;
      String name =
          base
              ? FILE_NAME
                  + ".1.base."
                  + (p.length() == Long.MAX_VALUE
                          && p.part().format() == AofLayout.Format.RDB_PREAMBLE
                      ? "rdb"
                      : "aof")
              : FILE_NAME + "." + (++incr) + ".incr.aof";
      try (OutputStream out = Files.newOutputStream(aofDir.resolve(name))) {
        copy(p, out);
      }
      manifest
          .append("file ")
          .append(name)
          .append(" seq ")
          .append(base ? 1 : incr)
          .append(" type ")
          .append(base ? 'b' : 'i')
          .append('\n');
    }
    Files.writeString(
        aofDir.resolve(FILE_NAME + ".manifest"), manifest.toString(), StandardCharsets.US_ASCII);
  }

  private static void copy(Piece p, OutputStream out) throws IOException {
    try (InputStream in = AofLayout.open(p.part())) {
      if (p.length() == Long.MAX_VALUE) {
        in.transferTo(out);
        return;
      }
      byte[] buf = new byte[1 << 16];
      long left = p.length();
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException(p.part().file() + " ended before byte " + p.length());
        }
        out.write(buf, 0, n);
        left -= n;
      }
    }
  }

  /** The walk through the commands, with {@link AofSource}'s rules of where to stop. */
  private static final class Walk {
    private final AofSource.Stop stop;
    private long replayed;
    private String stoppedBy;

    Walk(AofSource.Stop stop) {
      this.stop = stop;
    }

    /** How many bytes of {@code part} to keep: up to the end of its last command replayed. */
    long through(AofLayout.Part part, long start) throws BadAofException, IOException {
      long keep = start;
      long txStart = -1;
      long txCommands = 0;
      try (AofCommandReader r = AofLayout.commands(part, start)) {
        AofEntry e;
        while ((e = r.next()) != null) {
          if (e instanceof AofEntry.Timestamp t && t.epochSeconds() > stop.untilEpochSecond()) {
            stoppedBy =
                "--until: the next command is annotated " + Instant.ofEpochSecond(t.epochSeconds());
            return keep;
          }
          if (!(e instanceof AofEntry.Command c) || c.name().equals("SELECT")) {
            continue;
          }
          if (c.name().equals("MULTI") && txStart < 0) {
            txStart = c.offset();
            txCommands = 0;
          }
          if (txStart < 0) {
            if (!room(1)) {
              return keep;
            }
            replayed++;
            keep = c.end();
            continue;
          }
          txCommands++;
          if (c.name().equals("EXEC")) {
            if (!room(txCommands)) {
              return keep;
            }
            replayed += txCommands;
            keep = c.end();
            txStart = -1;
          }
        }
      }
      return keep;
    }

    private boolean room(long n) {
      if (replayed + n <= stop.untilCommands()) {
        return true;
      }
      stoppedBy = "--until-offset " + stop.untilCommands();
      return false;
    }
  }
}
