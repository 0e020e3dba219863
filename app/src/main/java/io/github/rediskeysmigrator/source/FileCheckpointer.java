package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.Checkpointer;
import io.github.rediskeysmigrator.core.SyncPoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * A checkpoint file: replication id, offset and db, written atomically (temporary file, fsync,
 * rename), so a crash leaves either the old or the new checkpoint, never a torn one.
 */
public final class FileCheckpointer implements Checkpointer {
  private final Path file;

  public FileCheckpointer(Path file) {
    this.file = file.toAbsolutePath();
  }

  @Override
  public void save(SyncPoint point) throws IOException {
    String text =
        "# redis-keys-migrator sync checkpoint: everything up to this offset is applied\n"
            + "replid="
            + point.replId()
            + "\noffset="
            + point.offset()
            + "\ndb="
            + point.db()
            + "\n";
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + file + " atomically on this file system", e);
    }
  }

  /**
   * The saved point, if the file exists.
   *
   * @throws IOException when it exists but cannot be read or is not a checkpoint
   */
  public Optional<SyncPoint> load() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    String replId = p.getProperty("replid");
    String offset = p.getProperty("offset");
    String db = p.getProperty("db");
    if (replId == null || offset == null || db == null) {
      throw new IOException(file + " is not a sync checkpoint (replid, offset and db expected)");
    }
    try {
      return Optional.of(new SyncPoint(replId, Long.parseLong(offset), Integer.parseInt(db)));
    } catch (NumberFormatException e) {
      throw new IOException(file + " is not a sync checkpoint: " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }
}
