package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.redis.ServerInfo;
import io.github.rediskeysmigrator.source.AofCut;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The independent reference {@code verify} compares an AOF source with: a throwaway {@code
 * redis-server} loading a copy of the AOF cut where {@code aof} stops ({@link AofCut}). Redis's own
 * loader, not our replay, says what the AOF holds, so a fault of our replay cannot hide itself. The
 * server listens on a free loopback port, saves nothing and never fsyncs; {@link #close} stops it
 * and deletes the copy, and so does a shutdown hook if the JVM ends first.
 */
public final class AofOracle implements AutoCloseable {
  private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");
  private static final long START_MILLIS = 60_000;
  private static final long GRACE_SECONDS = 20;

  private final Path binary;
  private final String version;
  private final Path dir;
  private final Process process;
  private final int port;
  private final AofCut cut;
  private final Thread hook;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean loaded;

  private AofOracle(Path binary, String version, Path dir, Process process, int port, AofCut cut) {
    this.binary = binary;
    this.version = version;
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.cut = cut;
    this.hook = new Thread(this::onShutdown, "rkm-oracle-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * The server binary: {@code explicit} when given, else {@code redis-server} on {@code searchPath}
   * (the PATH variable); empty when there is none.
   */
  public static Optional<Path> find(Path explicit, String searchPath) {
    if (explicit != null) {
      return Files.isExecutable(explicit) ? Optional.of(explicit) : Optional.empty();
    }
    if (searchPath == null) {
      return Optional.empty();
    }
    for (String d : searchPath.split(File.pathSeparator)) {
      if (!d.isEmpty()) {
        Path p = Path.of(d, "redis-server");
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * What {@code binary --version} prints up to its version, e.g. {@code Redis server v=7.4.1}.
   *
   * @throws IOException when it does not run or prints no version
   */
  public static String version(Path binary) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    p.waitFor();
    Matcher m = VERSION.matcher(out);
    if (!m.find()) {
      throw new IOException(binary + " --version printed no version: " + out);
    }
    return out.substring(0, m.end()).strip();
  }

  /**
   * Writes the copy of {@code cut} into a new temporary directory, starts {@code binary} on it and
   * waits until it has loaded it.
   *
   * @throws BadAofException when the server refuses the copy (exit 5), with the line it logged
   * @throws IOException when the copy cannot be written or the server not started
   */
  public static AofOracle start(Path binary, AofCut cut, Sleeper sleeper)
      throws IOException, InterruptedException, BadAofException {
    String version = version(binary);
    Matcher m = VERSION.matcher(version);
    m.find();
    boolean multiPart = Integer.parseInt(m.group(1)) >= 7;
    Path dir = Files.createTempDirectory("rkm-oracle-");
    AofOracle oracle = null;
    try {
      cut.writeTo(dir, multiPart);
      int port = freePort();
      List<String> cmd = new ArrayList<>();
      cmd.add(binary.toString());
      cmd.addAll(
          List.of(
              "--port",
              "" + port,
              "--bind",
              "127.0.0.1",
              "--dir",
              dir.toString(),
              "--logfile",
              "oracle.log",
              "--daemonize",
              "no",
              "--save",
              "",
              "--appendonly",
              "yes",
              "--appendfilename",
              AofCut.FILE_NAME,
              "--appendfsync",
              "no",
              "--auto-aof-rewrite-percentage",
              "0",
              "--aof-load-truncated",
              "yes"));
      if (multiPart) {
        cmd.addAll(List.of("--appenddirname", AofCut.DIR_NAME));
      }
      Process process =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectOutput(dir.resolve("oracle.out").toFile())
              .redirectErrorStream(true)
              .start();
      oracle = new AofOracle(binary, version, dir, process, port, cut);
      oracle.awaitLoaded(sleeper);
      return oracle;
    } catch (IOException | InterruptedException | BadAofException | RuntimeException e) {
      if (oracle != null) {
        oracle.close();
      } else {
        delete(dir);
      }
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Polls {@code INFO persistence} until {@code loading:0}; a server that exits has refused. */
  private void awaitLoaded(Sleeper sleeper)
      throws IOException, InterruptedException, BadAofException {
    long connectDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
    boolean listening = false;
    while (true) {
      if (!process.isAlive()) {
        throw new BadAofException(
            cut.scan().layout().origin(),
            "the oracle " + version + " could not load it: " + logged());
      }
      try (Connection conn = new Connection("127.0.0.1", port)) {
        conn.sendCommand(Protocol.Command.INFO, "persistence");
        listening = true;
        if ("0".equals(ServerInfo.fields(conn.getBulkReply()).get("loading"))) {
          loaded = true;
          return;
        }
      } catch (JedisConnectionException e) {
        if (!listening && System.nanoTime() > connectDeadline) {
          throw new IOException(
              "the oracle " + binary + " did not listen on port " + port + ": " + logged(), e);
        }
      }
      sleeper.sleep(50);
    }
  }

  /** The line the server logged last as a warning (its reason to stop), else its last line. */
  private String logged() throws IOException {
    List<String> lines = new ArrayList<>();
    for (String name : List.of("oracle.log", "oracle.out")) {
      Path f = dir.resolve(name);
      if (Files.exists(f)) {
        lines.addAll(Files.readAllLines(f, StandardCharsets.ISO_8859_1));
      }
    }
    String last = "(it logged nothing)";
    for (String line : lines) {
      if (!line.isBlank()) {
        last = line.strip();
      }
    }
    for (int i = lines.size() - 1; i >= 0; i--) {
      int mark = lines.get(i).indexOf(" # ");
      if (mark >= 0) {
        return lines.get(i).substring(mark + 3).strip();
      }
    }
    return last;
  }

  /** The address of the loaded server. */
  public RedisUri uri() {
    return new RedisUri("127.0.0.1", port, 0, null, null, false);
  }

  /** The dbs that hold keys (db 0 when none does), from {@code INFO keyspace}. */
  public List<Integer> dbs() {
    List<Integer> dbs = new ArrayList<>();
    try (Connection conn = new Connection("127.0.0.1", port)) {
      conn.sendCommand(Protocol.Command.INFO, "keyspace");
      for (String line : conn.getBulkReply().split("\r?\n")) {
        if (line.startsWith("db") && line.indexOf(':') > 2) {
          dbs.add(Integer.parseInt(line.substring(2, line.indexOf(':'))));
        }
      }
    }
    return dbs.isEmpty() ? List.of(0) : List.copyOf(dbs);
  }

  /** The report's fields: which server served as the oracle and where the AOF was cut. */
  public Map<String, Object> reportFields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("oracle_server", binary.toString());
    f.put("oracle_version", version);
    f.put("aof_commands", cut.commands());
    f.put("aof_stop_point", cut.describe());
    return f;
  }

  /** The summary's line on the oracle. */
  public String describe() {
    return "oracle: " + version + " (" + binary + ") loaded " + cut.describe();
  }

  /** Stops the server and deletes the copy. */
  @Override
  public void close() {
    try {
      stop();
    } finally {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting: the hook runs anyway, and finds the server already stopped.
      }
    }
  }

  private void onShutdown() {
    if (loaded) {
      // Comparing: a signal stops the comparison first, which closes this; wait for that so the
      // comparison does not see its source vanish.
      try {
        closed.await(GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stop();
  }

  private synchronized void stop() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    delete(dir);
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot delete the oracle's copy " + dir, e);
    }
  }
}
