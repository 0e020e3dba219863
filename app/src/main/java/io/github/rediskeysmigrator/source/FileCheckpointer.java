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
 * rename), so a crash leaves either the old or the new checkpoint, never a torn one. A run over
 * several streams (the masters of a cluster) keeps one line per stream, {@code master.N=address
 * replid offset db}, all in the one file.
 */
public final class FileCheckpointer implements Checkpointer {
  private final Path file;
  // Streams of a cluster source, by address; kept so that each save rewrites them all.
  private final java.util.Map<String, SyncPoint> streams = new java.util.TreeMap<>();

  public FileCheckpointer(Path file) {
    this.file = file.toAbsolutePath();
  }

  @Override
  public synchronized void save(SyncPoint point) throws IOException {
    String text;
    if (point.stream().isEmpty()) {
      text =
          "# redis-keys-migrator sync checkpoint: everything up to this offset is applied\n"
              + "replid="
              + point.replId()
              + "\noffset="
              + point.offset()
              + "\ndb="
              + point.db()
              + "\n";
    } else {
      streams.put(point.stream(), point);
      StringBuilder sb =
          new StringBuilder(
              "# redis-keys-migrator sync checkpoint, one line per master: address, replication"
                  + " id, offset and db up to which everything is applied\n");
      int i = 1;
      for (SyncPoint p : streams.values()) {
        sb.append("master.")
            .append(i++)
            .append('=')
            .append(p.stream())
            .append(' ')
            .append(p.replId())
            .append(' ')
            .append(p.offset())
            .append(' ')
            .append(p.db())
            .append('\n');
      }
      text = sb.toString();
    }
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

  /**
   * The saved points of a run over several streams (cluster masters), by address; empty when the
   * file does not exist.
   *
   * @throws IOException when it exists but is not such a checkpoint
   */
  public synchronized java.util.Map<String, SyncPoint> loadStreams() throws IOException {
    if (!Files.exists(file)) {
      return java.util.Map.of();
    }
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    streams.clear();
    for (String name : p.stringPropertyNames()) {
      if (!name.startsWith("master.")) {
        throw new IOException(
            file + " is not the checkpoint of a cluster source (master.N lines expected)");
      }
      String[] parts = p.getProperty(name).trim().split(" ");
      try {
        SyncPoint point =
            new SyncPoint(parts[1], Long.parseLong(parts[2]), Integer.parseInt(parts[3]), parts[0]);
        streams.put(point.stream(), point);
      } catch (RuntimeException e) {
        throw new IOException(file + " is not a sync checkpoint: " + name + ": " + e, e);
      }
    }
    return java.util.Map.copyOf(streams);
  }

  public Path file() {
    return file;
  }
}
