package io.github.rediskeysmigrator.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The DUMP payload of a key too big to hold in memory (above {@code --big-key-threshold}), kept in
 * a temporary file: type byte, body, RDB version, CRC64, as a payload in memory would be. The file
 * is deleted once the key's fate is booked.
 *
 * @param path the temporary file
 * @param length its size in bytes
 * @param rdbVersion the RDB version stamped into its footer
 * @param rdbType the RDB value type, its first byte
 */
public record PayloadFile(Path path, long length, int rdbVersion, int rdbType) {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PayloadFile.class);

  /**
   * A new empty temporary file for a big key's payload (in {@code java.io.tmpdir}), deleted when
   * the JVM exits if nothing deleted it before: a run that stops early leaves queued big keys
   * unbooked.
   */
  public static Path newTempFile() throws IOException {
    Path file = Files.createTempFile("rkm-big-key-", ".payload");
    file.toFile().deleteOnExit();
    return file;
  }

  /** {@code payload} (a whole DUMP payload) written to a new temporary file. */
  public static PayloadFile of(byte[] payload) {
    Path file = null;
    try {
      file = newTempFile();
      Files.write(file, payload);
      return new PayloadFile(
          file, payload.length, KeyEvent.rdbVersionOf(payload), payload[0] & 0xff);
    } catch (IOException e) {
      if (file != null) {
        file.toFile().delete();
      }
      throw new UncheckedIOException(
          "cannot write a big key's payload to a temporary file in "
              + System.getProperty("java.io.tmpdir")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Opens the payload for reading from its first byte. */
  public InputStream open() throws IOException {
    return Files.newInputStream(path);
  }

  /** Deletes the file; a failure is logged, as the key itself is already booked. */
  public void delete() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("cannot delete the temporary payload file {}", path, e);
    }
  }
}
