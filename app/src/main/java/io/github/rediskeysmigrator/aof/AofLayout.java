package io.github.rediskeysmigrator.aof;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The files of an append-only persistence, in the order Redis loads them, from what a user points
 * at: an {@code appendonlydir} (through its manifest), a manifest file, or a single AOF file (Redis
 * 6 and older, possibly with an RDB preamble, possibly gzip'd). Every file is checked to exist
 * before anything is read, so a manifest naming a missing file stops the run before any write.
 *
 * @param origin what the user named
 * @param manifest the manifest, or null for a single file
 * @param parts the files in loading order, the base first
 */
public record AofLayout(Path origin, Path manifest, List<Part> parts) {

  /** What a file holds, by its first bytes. */
  public enum Format {
    /**
     * An RDB, Redis's or Valkey 9's (a base file, or the preamble of a single AOF), with commands
     * after it or none.
     */
    RDB_PREAMBLE,
    /** Commands only. */
    COMMANDS,
    /** Nothing at all (a fresh incremental file). */
    EMPTY
  }

  /**
   * One file.
   *
   * @param file its path
   * @param base whether it is the base (the first of a manifest's files, or a single file)
   * @param format what it starts with
   * @param gzip whether it is gzip'd
   */
  public record Part(Path file, boolean base, Format format, boolean gzip) {}

  /**
   * The files of {@code path}.
   *
   * @throws BadAofException when there is no manifest where one is needed, it is malformed, or a
   *     file it names is missing or not an AOF or RDB
   */
  public static AofLayout of(Path path) throws IOException, BadAofException {
    if (!Files.exists(path)) {
      throw new BadAofException(path, "no such file or directory");
    }
    Path manifest = null;
    if (Files.isDirectory(path)) {
      List<Path> found = new ArrayList<>();
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(path, "*.manifest")) {
        dir.forEach(found::add);
      }
      if (found.isEmpty()) {
        throw new BadAofException(
            path, "is a directory without an AOF manifest (*.manifest): not an appendonlydir");
      }
      if (found.size() > 1) {
        throw new BadAofException(path, "holds several manifests: " + found);
      }
      manifest = found.get(0);
    } else if (path.getFileName().toString().endsWith(".manifest")) {
      manifest = path;
    }
    List<Part> parts = new ArrayList<>();
    if (manifest == null) {
      parts.add(part(path, path, true));
    } else {
      AofManifest m = AofManifest.read(manifest);
      if (m.base().isPresent()) {
        parts.add(part(manifest, m.base().get(), true));
      }
      for (Path incr : m.incrementals()) {
        parts.add(part(manifest, incr, parts.isEmpty()));
      }
    }
    return new AofLayout(path, manifest, List.copyOf(parts));
  }

  private static Part part(Path namedBy, Path file, boolean base)
      throws IOException, BadAofException {
    if (!Files.isRegularFile(file)) {
      throw new BadAofException(
          namedBy,
          namedBy.equals(file) ? "is not a regular file" : "names " + file + ", which is missing");
    }
    byte[] head;
    boolean gzip;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(2);
      gzip = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
    }
    try (InputStream in = open(file, gzip)) {
      head = in.readNBytes(6);
    } catch (IOException e) {
      throw new BadAofException(file, "cannot be read as gzip: " + e.getMessage(), e);
    }
    Format format;
    if (head.length == 0) {
      format = Format.EMPTY;
    } else if (startsWith(head, "REDIS") || startsWith(head, "VALKEY")) {
      format = Format.RDB_PREAMBLE;
    } else if (head[0] == '*' || head[0] == '#') {
      format = Format.COMMANDS;
    } else {
      throw new BadAofException(
          file,
          0,
          "is neither an AOF (starting with '*' or '#') nor an RDB (starting with REDIS or"
              + " VALKEY)");
    }
    return new Part(file, base, format, gzip);
  }

  private static boolean startsWith(byte[] head, String magic) {
    return head.length >= magic.length()
        && new String(head, 0, magic.length(), java.nio.charset.StandardCharsets.US_ASCII)
            .equals(magic);
  }

  /** The bytes of {@code file}, decompressed when gzip'd. */
  static InputStream open(Path file, boolean gzip) throws IOException {
    InputStream raw = Files.newInputStream(file);
    return gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
  }

  /** Opens a part's bytes (decompressed), buffered. */
  public static InputStream open(Part part) throws IOException {
    return new java.io.BufferedInputStream(open(part.file(), part.gzip()), 1 << 16);
  }

  /**
   * The commands of {@code part} from byte {@code start} on (after its RDB preamble, or where an
   * earlier read stopped); the caller closes the reader.
   */
  public static AofCommandReader commands(Part part, long start) throws IOException {
    InputStream in = open(part);
    try {
      in.skipNBytes(start);
      return new AofCommandReader(part.file(), in, start, dataBound(part));
    } catch (IOException | RuntimeException e) {
      try {
        in.close();
      } catch (IOException c) {
        e.addSuppressed(c);
      }
      throw e;
    }
  }

  /** The most bytes {@code part} can hold once decompressed (see {@code RdbFiles.dataBound}). */
  public static long dataBound(Part part) throws IOException {
    return io.github.rediskeysmigrator.rdb.RdbFiles.dataBound(part.file());
  }
}
