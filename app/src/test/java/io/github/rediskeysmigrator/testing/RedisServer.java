package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A real {@code redis-server} on a free loopback port, in its own temporary directory, stopped
 * through its own handle: Debian's from PATH, or a server of another version from the first of
 * {@link ServerProviders} that has it.
 */
public final class RedisServer implements AutoCloseable {
  /** Test ports, per ../shared/redis-bin/README.md; cluster nodes need port + 10000 free too. */
  private static final int PORT_MIN = 17100;

  private static final int PORT_MAX = 17199;

  /**
   * Stands for a second free port in {@code extraArgs} (e.g. {@code --tls-port}), chosen on each
   * start attempt next to the main port, so that neither can clash with the other or with a port
   * picked before the server binds it; read it back with {@link #tlsPort()}.
   */
  public static final String TLS_PORT = "{tls-port}";

  private ServerProcess process;
  private final ServerLauncher launcher;
  private final List<String> args;
  private final int port;
  private final int tlsPort;
  private final Path dir;
  private final String password;

  private RedisServer(
      ServerProcess process,
      ServerLauncher launcher,
      List<String> args,
      int port,
      int tlsPort,
      Path dir,
      String password) {
    this.process = process;
    this.launcher = launcher;
    this.args = List.copyOf(args);
    this.port = port;
    this.tlsPort = tlsPort;
    this.dir = dir;
    this.password = password;
  }

  /** Debian's redis-server from PATH (7.0.15 on these machines). */
  public static RedisServer startDebian(String... extraArgs) {
    return start(BinaryLauncher.onPath(), extraArgs);
  }

  /**
   * A server of version {@code name} (e.g. {@code redis-7.4.1}) from {@link ServerProviders}; the
   * test is skipped ({@link NotTested}), or fails under {@code CI=true}, when none has it.
   */
  public static RedisServer startShared(String name, String... extraArgs) {
    return start(launcher(name), extraArgs);
  }

  /** The launcher of version {@code name}: {@link ServerVersions#DEBIAN} is the one on PATH. */
  public static ServerLauncher launcher(String name) {
    return name.equals(ServerVersions.DEBIAN)
        ? BinaryLauncher.onPath()
        : ServerProviders.standard().launcher(name);
  }

  /**
   * Starts a server through {@code launcher} with our defaults plus {@code extraArgs}; retries with
   * new ports on a port clash, and says what the server logged when every attempt failed.
   */
  public static RedisServer start(ServerLauncher launcher, String... extraArgs) {
    IOException last = null;
    String lastLog = "";
    boolean wantsTls = List.of(extraArgs).contains(TLS_PORT);
    for (int attempt = 0; attempt < 10; attempt++) {
      int port = freePort();
      int tlsPort = 0;
      while (wantsTls && (tlsPort == 0 || tlsPort == port)) {
        tlsPort = freePort();
      }
      try {
        Path dir = Files.createTempDirectory("rkm-redis-" + port + "-");
        List<String> cmd = new ArrayList<>();
        cmd.addAll(
            List.of(
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--logfile",
                dir.resolve("redis.log").toString()));
        for (String arg : extraArgs) {
          cmd.add(arg.equals(TLS_PORT) ? String.valueOf(tlsPort) : arg);
        }
        ServerProcess p = launcher.start(cmd, dir);
        RedisServer server =
            new RedisServer(p, launcher, cmd, port, tlsPort, dir, requirePass(extraArgs));
        if (server.awaitPing()) {
          return server;
        }
        server.close();
        lastLog = server.logTail();
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IllegalStateException(
        "could not start "
            + launcher.describe()
            + " in 10 attempts; its last log ends:\n"
            + lastLog,
        last);
  }

  private String logTail() {
    try {
      List<String> lines = new ArrayList<>();
      for (String name : List.of("stdout.log", "redis.log")) {
        Path f = dir.resolve(name);
        if (Files.exists(f)) {
          lines.addAll(Files.readAllLines(f));
        }
      }
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private static String requirePass(String... args) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--requirepass")) {
        return args[i + 1];
      }
    }
    return null;
  }

  /** A free loopback port in the test range, e.g. for a server's --tls-port. */
  public static int freeTestPort() {
    return freePort();
  }

  private static int freePort() {
    for (int i = 0; i < 200; i++) {
      int port = ThreadLocalRandom.current().nextInt(PORT_MIN, PORT_MAX + 1);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        return port;
      } catch (IOException busy) {
        // try another
      }
    }
    throw new IllegalStateException("no free port in " + PORT_MIN + "-" + PORT_MAX);
  }

  private boolean awaitPing() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && process.isAlive()) {
      try (Jedis j = new Jedis("127.0.0.1", port, 500)) {
        if (password != null) {
          j.auth(password);
        }
        if ("PONG".equals(j.ping())) {
          return true;
        }
      } catch (JedisConnectionException e) {
        // not listening yet
      } catch (JedisDataException e) {
        // LOADING: still reading its dataset
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  public int port() {
    return port;
  }

  /** The port that replaced {@link #TLS_PORT} in the arguments; 0 when there was none. */
  public int tlsPort() {
    return tlsPort;
  }

  public Path dir() {
    return dir;
  }

  /** What was started: a binary's path or an image's name. */
  public String binary() {
    return launcher.describe();
  }

  /** The launcher it was started with (its own cli, for one). */
  public ServerLauncher launcher() {
    return launcher;
  }

  /** {@code redis://127.0.0.1:port}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** This server's {@code master_repl_offset}: how far its replication stream has come. */
  public long replicationOffset() {
    try (Jedis j = client()) {
      for (String line : j.info("replication").split("\r?\n")) {
        if (line.startsWith("master_repl_offset:")) {
          return Long.parseLong(line.substring("master_repl_offset:".length()).trim());
        }
      }
    }
    throw new AssertionError("no master_repl_offset in INFO replication of port " + port());
  }

  /** A new client on db 0, authenticated if the server wants a password; the caller closes it. */
  public Jedis client() {
    Jedis j = new Jedis("127.0.0.1", port, 10_000);
    if (password != null) {
      j.auth(password);
    }
    return j;
  }

  /** Empties every database. */
  public void flushAll() {
    try (Jedis j = client()) {
      j.flushAll();
    }
  }

  /** DBSIZE of db 0, on a connection of its own (for a wait on a condition). */
  public long dbSize() {
    try (Jedis j = client()) {
      return j.dbSize();
    }
  }

  /** Whether db 0 holds {@code key}, asked on a connection of its own. */
  public boolean exists(String key) {
    try (Jedis j = client()) {
      return j.exists(key);
    }
  }

  /** CONFIG SET {@code name} {@code value}, on a connection of its own. */
  public void configSet(String name, String value) {
    try (Jedis j = client()) {
      j.configSet(name, value);
    }
  }

  /**
   * SAVE, waiting out a background save the server runs on its own (a replica's full sync, for
   * example, which an earlier test's {@code sync} may have started): Redis refuses SAVE meanwhile.
   */
  public void save() {
    long deadline = System.nanoTime() + 60_000_000_000L;
    // A SAVE of a few hundred MB takes longer than client()'s 10 s on a loaded machine.
    try (Jedis j = new Jedis("127.0.0.1", port, 120_000)) {
      if (password != null) {
        j.auth(password);
      }
      while (true) {
        try {
          j.save();
          return;
        } catch (JedisDataException e) {
          if (!e.getMessage().contains("in progress") || System.nanoTime() > deadline) {
            throw e;
          }
          try {
            Thread.sleep(100);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
    }
  }

  /** Saves the dataset and returns a copy of the RDB file at {@code target}. */
  public Path saveTo(Path target) {
    save();
    try {
      return Files.copy(dir.resolve("dump.rdb"), target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Restarts the server on the same port and directory, keeping its data (SAVE first, then the new
   * process loads dump.rdb), as an operator's restart of a persistent Redis would.
   */
  public void restartKeepingData() {
    save();
    close();
    try {
      process = launcher.start(args, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!awaitPing()) {
      throw new IllegalStateException(
          "restarted " + launcher.describe() + " on port " + port + " is not up");
    }
  }

  /** Kills the server with SIGKILL, as a crash would. */
  public void kill() {
    process.kill();
  }

  /** Stops the server by its own handle, forcibly if it does not go within 5 s. */
  @Override
  public void close() {
    process.stop();
  }
}
