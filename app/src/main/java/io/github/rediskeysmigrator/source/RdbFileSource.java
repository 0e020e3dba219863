package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.KeySink;
import io.github.rediskeysmigrator.core.KeySource;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.PayloadFile;
import io.github.rediskeysmigrator.core.ReadPoint;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.rdb.BadRdbException;
import io.github.rediskeysmigrator.rdb.BoundedRdbInput;
import io.github.rediskeysmigrator.rdb.EmptyCollections;
import io.github.rediskeysmigrator.rdb.RdbChecksum;
import io.github.rediskeysmigrator.rdb.RdbFiles;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import io.github.rediskeysmigrator.rdb.RdbKeyReader;
import io.github.rediskeysmigrator.rdb.RdbTypes;
import io.github.rediskeysmigrator.rdb.Ziplists;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the keys of one or more RDB files (plain or gzip) with our own {@link RdbKeyReader}, as
 * DUMP payloads, without any redis-server. Files are read one after the other, in the order given;
 * a file that stops before its end marker is reported with where reading stopped.
 */
public final class RdbFileSource implements KeySource {
  private static final Logger log = LoggerFactory.getLogger(RdbFileSource.class);

  private final List<RdbHeader> files;
  private final long totalBytes;
  private final AtomicLong doneBytes = new AtomicLong();
  private volatile CountingInputStream current;
  private final List<byte[]> functions = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final long bigKeyThreshold;
  private Consumer<String> notes = note -> {};

  /** How many keys go between two read points of a file (with --checkpoint). */
  static final int POINT_EVERY_KEYS = 1024;

  // With --checkpoint: where each file stands after the runs before (by stream name), else null.
  private java.util.Map<String, ReadPoint> resume;

  /**
   * The headers of {@code files}, every one read (and, when {@code verifyChecksums}, its CRC64
   * checked) before any key is: a bad file stops the run before anything is written.
   *
   * @param notes where the note on a file without a checksum goes
   */
  public static List<RdbHeader> checkedHeaders(
      List<Path> files, boolean verifyChecksums, java.util.function.Consumer<String> notes)
      throws BadRdbException {
    List<RdbHeader> headers = new java.util.ArrayList<>();
    for (Path file : files) {
      headers.add(RdbHeader.read(file));
    }
    if (verifyChecksums) {
      for (RdbHeader h : headers) {
        if (RdbChecksum.verify(h) == RdbChecksum.Result.ABSENT) {
          notes.accept("note: " + h.file() + " carries no checksum; it cannot be verified");
        }
      }
    }
    return headers;
  }

  /** A source over {@code files}, whose headers were already checked. */
  public RdbFileSource(List<RdbHeader> files) throws IOException {
    this(files, Long.MAX_VALUE);
  }

  /**
   * A source over {@code files} whose values above {@code bigKeyThreshold} bytes are spilled to
   * temporary files rather than held in memory.
   */
  public RdbFileSource(List<RdbHeader> files, long bigKeyThreshold) throws IOException {
    this.bigKeyThreshold = bigKeyThreshold;
    this.files = List.copyOf(files);
    long total = 0;
    for (RdbHeader h : files) {
      total += Files.size(h.file());
    }
    this.totalBytes = total;
  }

  /**
   * Where notes for the user go (a line each, e.g. about Lua scripts left out); none by default.
   */
  public RdbFileSource withNotes(Consumer<String> notes) {
    this.notes = notes;
    return this;
  }

  /**
   * Hands over {@link ReadPoint}s for {@code --checkpoint} (one per file every {@value
   * #POINT_EVERY_KEYS} keys, and at its end), and resumes each file where {@code from} says: a file
   * done is passed over whole, a file begun has its first keys parsed past without being handed
   * over or captured.
   *
   * @param from the points of the runs before, by stream name ({@link #stream}); empty for none
   */
  public RdbFileSource checkpointed(java.util.Map<String, ReadPoint> from) {
    this.resume = java.util.Map.copyOf(from);
    return this;
  }

  /** The stream name of {@code file} in read points and checkpoints: its absolute path. */
  public static String stream(Path file) {
    return file.toAbsolutePath().normalize().toString();
  }

  @Override
  public void readInto(KeySink sink) throws SourceException, InterruptedException {
    for (RdbHeader header : files) {
      ReadPoint saved = resume == null ? null : resume.get(stream(header.file()));
      if (saved != null && saved.done()) {
        // Written whole by a run before: kept in the checkpoint, not read again.
        doneBytes.addAndGet(size(header.file()));
        sink.accept(saved);
        continue;
      }
      FileReader reader = readFile(header, sink, saved == null ? 0 : saved.keys());
      if (resume != null) {
        sink.accept(new ReadPoint(stream(header.file()), reader.keys, "", true));
      }
    }
  }

  private static long size(Path file) throws SourceException {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new SourceException(
          SourceException.Kind.BAD_INPUT, "cannot read " + file + ": " + e, e);
    }
  }

  @Override
  public long bytesRead() {
    CountingInputStream c = current;
    return doneBytes.get() + (c == null ? 0 : c.count());
  }

  @Override
  public long bytesTotal() {
    return totalBytes;
  }

  @Override
  public List<byte[]> functionLibraries() {
    return List.copyOf(functions);
  }

  /**
   * Reads the keys of the one file {@code header} names, whose RDB may be followed by other bytes
   * (the RDB preamble of an append-only file), and returns where the RDB ends: the offset in the
   * file's (decompressed) bytes of the first byte after its checksum.
   */
  public long readRdbPart(RdbHeader header, KeySink sink)
      throws SourceException, InterruptedException {
    return readFile(header, sink, 0).endOffset;
  }

  private FileReader readFile(RdbHeader header, KeySink sink, long skip)
      throws SourceException, InterruptedException {
    Path file = header.file();
    FileReader reader = new FileReader(sink, resume == null ? null : stream(file), skip);
    try (CountingInputStream raw = new CountingInputStream(Files.newInputStream(file));
        InputStream in = RdbFiles.open(file, raw)) {
      current = raw;
      RdbKeyReader keys =
          RdbKeyReader.open(in, RdbFiles.dataBound(file), bigKeyThreshold)
              .onFunction(functions::add);
      keys.captureValues(skip == 0);
      while (keys.next()) {
        reader.onKey(keys);
      }
      reader.sawEnd = true;
      reader.endOffset = keys.position();
      reader.luaScripts = keys.luaScripts();
    } catch (InterruptedIOException | java.nio.channels.ClosedByInterruptException e) {
      throw new InterruptedException("reading " + file + " was cancelled");
    } catch (BoundedRdbInput.BadLengthException e) {
      throw bad(file, reader, badLength(e), e);
    } catch (EOFException e) {
      throw bad(file, reader, "is truncated: the file ends before the RDB end marker", e);
    } catch (IOException | RuntimeException e) {
      throw bad(file, reader, "is corrupt: " + describe(e), e);
    } catch (OutOfMemoryError e) {
      // A value below the big-key threshold is held whole: a corrupt length (or a value larger
      // than the heap) fails here; the failed allocation itself took nothing from the heap.
      throw bad(file, reader, tooBig(e), e);
    } finally {
      CountingInputStream c = current;
      if (c != null) {
        doneBytes.addAndGet(c.count());
      }
      current = null;
    }
    if (reader.luaScripts > 0) {
      // Redis 4-6 put the EVAL script cache in RDB files as "lua" AUX fields. A cache, not data:
      // clients load their scripts again (EVAL, SCRIPT LOAD), and no command restores them.
      notes.accept(
          "note: "
              + file
              + " holds "
              + reader.luaScripts
              + (reader.luaScripts == 1 ? " Lua script" : " Lua scripts")
              + " of the EVAL cache; scripts are not migrated (clients load them again with EVAL"
              + " or SCRIPT LOAD)");
    }
    log.debug("{}: {} keys", file, reader.keys);
    return reader;
  }

  /** A length beyond the end of the file: the file was cut short, or the length is damaged. */
  private static String badLength(BoundedRdbInput.BadLengthException e) {
    return "is truncated or corrupt: " + e.getMessage();
  }

  private static String tooBig(OutOfMemoryError e) {
    return "is corrupt or holds a value larger than this JVM's heap: a length in it asks for more"
        + " memory than there is ("
        + describe(e)
        + "; raise -Xmx only if the file is sound)";
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  private static SourceException bad(Path file, FileReader r, String problem, Throwable cause) {
    String where =
        r.keys == 0
            ? " (no key was read from it)"
            : " (reading stopped after "
                + r.keys
                + " keys; the last whole key, '"
                + KeyNames.printable(r.lastKey)
                + "', ends at byte "
                + r.lastOffset
                + " of the RDB data)";
    return new SourceException(SourceException.Kind.BAD_INPUT, file + " " + problem + where, cause);
  }

  /** Turns the keys of one file into KeyEvents and read points. */
  private static final class FileReader {
    private final KeySink sink;
    // The file's stream name with --checkpoint (read points handed over), else null.
    private final String stream;
    // Keys a run before wrote: parsed past, not handed over.
    private final long skip;
    long keys;
    int luaScripts;
    byte[] lastKey;
    long lastOffset;
    boolean sawEnd;
    long endOffset;

    FileReader(KeySink sink, String stream, long skip) {
      this.sink = sink;
      this.stream = stream;
      this.skip = skip;
    }

    void onKey(RdbKeyReader kv) throws InterruptedException {
      if (keys < skip) {
        keys++;
        lastKey = kv.key();
        lastOffset = kv.position();
        if (keys == skip) {
          kv.captureValues(true);
          sink.accept(new ReadPoint(stream, keys, "", false));
        }
        return;
      }
      int db = kv.db();
      KeyType type = RdbTypes.keyType(kv.type());
      PayloadFile spilled = kv.takeSpilled();
      if (spilled == null) {
        String problem = problem(kv.payload());
        if (problem != null) {
          // The file is reported corrupt, naming the key.
          throw new IllegalStateException(
              "key '" + KeyNames.printable(kv.key()) + "' (db " + db + "): " + problem);
        }
      }
      KeyEvent key =
          spilled != null
              ? KeyEvent.inFile(db, kv.key(), type, kv.expireAtMs(), spilled)
              : KeyEvent.of(db, kv.key(), type, kv.expireAtMs(), kv.payload());
      sink.accept(key);
      keys++;
      lastKey = kv.key();
      lastOffset = kv.position();
      if (stream != null && keys % POINT_EVERY_KEYS == 0) {
        sink.accept(new ReadPoint(stream, keys, "", false));
      }
    }

    /** Why a value cannot be sent as it is, or null: checks Redis makes when it loads a file. */
    private static String problem(byte[] payload) {
      String empty = EmptyCollections.describe(payload);
      if (empty != null) {
        return "an "
            + empty
            + ", which Redis never saves (it skips such keys when it loads a file)";
      }
      return Ziplists.problem(payload);
    }
  }
}
