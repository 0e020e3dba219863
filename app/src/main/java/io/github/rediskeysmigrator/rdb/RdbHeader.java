package io.github.rediskeysmigrator.rdb;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * The first nine bytes of an RDB file ({@code REDIS0011}, or {@code VALKEY080} for Valkey 9),
 * checked before anything is written so a wrong file fails fast with a clear message.
 *
 * @param file where it was read from
 * @param version the RDB format version (80 for Valkey 9's {@code VALKEY080})
 */
public record RdbHeader(Path file, int version) {

  /** Oldest RDB version we read. */
  public static final int MIN_VERSION = 1;

  /**
   * Newest RDB version we read: 13 (Redis 8.6). Redis Replicator 3.11.0 parses up to 12 (Redis 7.4
   * to 8.4); {@link PayloadRdbVisitor} reads 13 for it.
   */
  public static final int MAX_VERSION = 13;

  /**
   * RDB 13 (Redis 8.6): RDB 12 plus the stream type 26 with idempotent-producer state and the
   * key-metadata opcode 243.
   */
  public static final int REDIS_13 = 13;

  /**
   * Valkey 9's RDB version, written after the magic {@code VALKEY} (Valkey left the numbers 12 to
   * 79 to Redis). We read it through {@link PayloadRdbVisitor}.
   */
  public static final int VALKEY_9 = 80;

  /** Whether the file is in Valkey 9's format ({@code VALKEY080}). */
  public boolean valkey() {
    return version == VALKEY_9;
  }

  /** The magic the file starts with: {@code REDIS}, or {@code VALKEY} for Valkey 9. */
  public String magic() {
    return valkey() ? "VALKEY" : "REDIS";
  }

  /**
   * The newest RDB version of the DUMP payloads read from this file. A Valkey 9 file's values use
   * the encodings of RDB 11, so their payloads say 11, which Valkey 8 and Redis 7.2 and later
   * RESTORE. Its hashes with field TTLs get a payload of their own (see {@link
   * PayloadValueVisitor}). An RDB 13 file's values other than streams use RDB 12's encodings, so
   * their payloads say 12; its streams (type 26) say 13.
   */
  public int payloadVersion() {
    return valkey() ? PayloadRdbVisitor.VALKEY_PAYLOAD_VERSION : version;
  }

  /**
   * Reads and validates the header of {@code file}.
   *
   * @throws BadRdbException for a missing, unreadable, empty, non-RDB or unsupported file
   */
  public static RdbHeader read(Path file) throws BadRdbException {
    if (!Files.exists(file)) {
      throw new BadRdbException(file, "no such file");
    }
    if (Files.isDirectory(file)) {
      throw new BadRdbException(file, "is a directory, not an RDB file");
    }
    if (!Files.isReadable(file)) {
      throw new BadRdbException(file, "cannot be read (permission denied)");
    }
    byte[] magic = new byte[9];
    int n;
    try (InputStream in = RdbFiles.open(file)) {
      n = in.readNBytes(magic, 0, magic.length);
    } catch (ZipException | EOFException e) {
      throw new BadRdbException(file, "looks gzip-compressed but cannot be decompressed", e);
    } catch (IOException e) {
      throw new BadRdbException(file, "cannot be read: " + e.getMessage(), e);
    }
    if (n == 0) {
      throw new BadRdbException(file, "is empty");
    }
    String text = new String(magic, 0, n, StandardCharsets.ISO_8859_1);
    if (text.startsWith("VALKEY")) {
      if (text.equals("VALKEY080")) {
        return new RdbHeader(file, VALKEY_9);
      }
      throw new BadRdbException(
          file,
          "uses the RDB format '"
              + text
              + "', which this version cannot read (supported: REDIS0001 to REDIS00"
              + MAX_VERSION
              + " and Valkey 9's VALKEY080)");
    }
    if (n < magic.length || !text.startsWith("REDIS")) {
      throw new BadRdbException(file, "is not an RDB file (it does not start with REDIS<version>)");
    }
    int version;
    try {
      version = Integer.parseInt(text.substring(5));
    } catch (NumberFormatException e) {
      throw new BadRdbException(
          file, "is not an RDB file (bad version '" + text.substring(5) + "')");
    }
    if (version < MIN_VERSION || version > MAX_VERSION) {
      throw new BadRdbException(
          file,
          "has RDB version "
              + version
              + ", which this version cannot read (supported: "
              + MIN_VERSION
              + " to "
              + MAX_VERSION
              + ")");
    }
    return new RdbHeader(file, version);
  }
}
