package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.Checkpointer;
import io.github.rediskeysmigrator.core.ReadCheckpoint;
import io.github.rediskeysmigrator.core.ReadPoint;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A checkpoint file: replication id, offset and db, written atomically (temporary file, fsync,
 * rename), so a crash leaves either the old or the new checkpoint, never a torn one. A run over
 * several streams (the masters of a cluster) keeps one line per stream, {@code master.N=address
 * replid offset db}, all in the one file.
 *
 * <p>The same file format records how far {@code rdb} and {@code scan} got ({@link #reads}): the
 * run's identity ({@code run.NAME=value}: input files, --match, --db, --rename-prefix, ...), then
 * per stream (an input file, a source master) the keys acknowledged and where reading resumes, and
 * {@code state=complete} once the whole source is written.
 */
public final class FileCheckpointer implements Checkpointer {
  private static final String RUN = "run.";
  private static final String STREAM = "stream.";

  private final Path file;
  // Streams of a cluster source, by address; kept so that each save rewrites them all.
  private final java.util.Map<String, SyncPoint> streams = new java.util.TreeMap<>();
  // What the file holds as far as this run knows (read or written): an equal save is no write.
  private String lastText;

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
    write(text);
  }

  /** Replaces the file by {@code text}: temporary file, fsync, atomic rename. */
  private void write(String text) throws IOException {
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
    lastText = text;
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

  /**
   * What an {@code rdb} or {@code scan} checkpoint holds.
   *
   * @param command the command that wrote it
   * @param identity what the run must share with it to resume, by name, in order
   * @param points where each stream stands
   * @param complete whether the whole source was written
   */
  public record Reads(
      String command, Map<String, String> identity, List<ReadPoint> points, boolean complete) {
    /**
     * Why a run of {@code command} with {@code run} cannot resume from this checkpoint, as one line
     * naming the first difference, or null when it can.
     */
    public String difference(String command, Map<String, String> run) {
      if (!this.command.equals(command)) {
        return "it was written by '" + this.command + "', not '" + command + "'";
      }
      java.util.Set<String> names = new java.util.LinkedHashSet<>(identity.keySet());
      names.addAll(run.keySet());
      for (String name : names) {
        String saved = identity.get(name);
        String now = run.get(name);
        if (!java.util.Objects.equals(saved, now)) {
          return label(name)
              + " differs: the checkpoint has "
              + (saved == null ? "none" : "'" + saved + "'")
              + ", this run "
              + (now == null ? "none" : "'" + now + "'");
        }
      }
      return null;
    }

    /** An identity entry as the user knows it: an option, an input file, the source. */
    private static String label(String name) {
      if (name.startsWith("input.")) {
        return "input file " + name.substring("input.".length());
      }
      return name.equals("source") ? "the source" : "--" + name;
    }

    /** The saved point of {@code stream}, or null when it has none (not begun). */
    public ReadPoint point(String stream) {
      for (ReadPoint p : points) {
        if (p.stream().equals(stream)) {
          return p;
        }
      }
      return null;
    }

    /** Keys acknowledged by the runs before, over every stream. */
    public long keys() {
      return points.stream().mapToLong(ReadPoint::keys).sum();
    }
  }

  /**
   * A checkpoint of {@code command} (rdb, scan) for a run of {@code identity}: each save rewrites
   * the file whole, unless it would not change.
   */
  public ReadCheckpoint reads(String command, Map<String, String> identity) {
    Map<String, String> id = new LinkedHashMap<>(identity);
    return (points, complete) -> {
      StringBuilder sb =
          new StringBuilder("# redis-keys-migrator ")
              .append(command)
              .append(
                  " checkpoint: the destination acknowledged every key before each stream's"
                      + " point\ncommand=")
              .append(command)
              .append("\nstate=")
              .append(complete ? "complete" : "running")
              .append('\n');
      id.forEach((k, v) -> sb.append(RUN).append(k).append('=').append(escape(v)).append('\n'));
      int i = 1;
      for (ReadPoint p : points) {
        String n = STREAM + i++;
        sb.append(n).append('=').append(escape(p.stream())).append('\n');
        sb.append(n).append(".keys=").append(p.keys()).append('\n');
        sb.append(n).append(".at=").append(escape(p.at())).append('\n');
        sb.append(n).append(".done=").append(p.done()).append('\n');
      }
      String text = sb.toString();
      // A complete checkpoint is never turned back into a running one with the same points (a
      // run after it hands its done points over again before it ends).
      String asComplete = text.replace("\nstate=running\n", "\nstate=complete\n");
      synchronized (this) {
        if (!text.equals(lastText) && !asComplete.equals(lastText)) {
          write(text);
        }
      }
    };
  }

  /**
   * The saved state of an {@code rdb} or {@code scan} run, if the file exists.
   *
   * @throws IOException when it exists but cannot be read or is not such a checkpoint
   */
  public synchronized Optional<Reads> loadReads() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Properties p = new Properties();
    p.load(new java.io.StringReader(text));
    String command = p.getProperty("command");
    String state = p.getProperty("state");
    if (command == null || state == null) {
      throw new IOException(
          file
              + " is not a checkpoint of rdb or scan"
              + (p.getProperty("replid") != null || p.stringPropertyNames().isEmpty()
                  ? ""
                  : " (command and state expected)")
              + (p.getProperty("replid") != null ? " (it is a sync checkpoint)" : ""));
    }
    // Identity in the order written: the file's own line order.
    Map<String, String> identity = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (line.startsWith(RUN) && eq > 0) {
        String name = line.substring(RUN.length(), eq);
        identity.put(name, p.getProperty(RUN + name));
      }
    }
    List<ReadPoint> points = new ArrayList<>();
    for (int i = 1; p.getProperty(STREAM + i) != null; i++) {
      String n = STREAM + i;
      try {
        points.add(
            new ReadPoint(
                p.getProperty(n),
                Long.parseLong(p.getProperty(n + ".keys")),
                p.getProperty(n + ".at", ""),
                Boolean.parseBoolean(p.getProperty(n + ".done"))));
      } catch (NumberFormatException e) {
        throw new IOException(file + " is not a checkpoint of rdb or scan: " + n + ": " + e, e);
      }
    }
    lastText = text;
    return Optional.of(new Reads(command, identity, List.copyOf(points), "complete".equals(state)));
  }

  /** {@code value} as a properties value: backslashes, line breaks and a leading blank escaped. */
  private static String escape(String value) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\f' -> sb.append("\\f");
        case ' ' -> sb.append(i == 0 ? "\\ " : " ");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
