package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/**
 * A real Redis master with one replica, watched by three Sentinels (Debian's redis-server started
 * with {@code --sentinel}), started afresh for each test (a test kills the master) and stopped
 * after it. The Sentinels call the master down after {@link #DOWN_AFTER_MS} and promote the
 * replica.
 */
public final class LocalSentinels implements BeforeEachCallback, AfterEachCallback {
  /** The name the Sentinels monitor the master under. */
  public static final String MASTER_NAME = "rkm";

  /** Sentinel's down-after-milliseconds: how long a silent master may be before a failover. */
  public static final int DOWN_AFTER_MS = 1000;

  private final List<String> serverArgs;
  private RedisServer master;
  private RedisServer replica;
  private final List<ServerProcess> sentinels = new ArrayList<>();
  private final List<Integer> sentinelPorts = new ArrayList<>();

  /** Master and replica started with {@code serverArgs} too (e.g. notify-keyspace-events). */
  public LocalSentinels(String... serverArgs) {
    this.serverArgs = List.of(serverArgs);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    List<String> args = new ArrayList<>(List.of("--repl-diskless-sync-delay", "0"));
    args.addAll(serverArgs);
    master = RedisServer.startDebian(args.toArray(String[]::new));
    args.addAll(List.of("--replicaof", "127.0.0.1", String.valueOf(master.port())));
    replica = RedisServer.startDebian(args.toArray(String[]::new));
    for (int i = 0; i < 3; i++) {
      startSentinel();
    }
    Await.until(
        "the replica in sync and three Sentinels that know each other and it",
        Duration.ofSeconds(60),
        this::ready);
  }

  /**
   * Starts a Sentinel on a free port; another test's server may take the port first (the Sentinel
   * then exits at once, "Address already in use"), so it tries again on another.
   */
  private void startSentinel() throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 10; attempt++) {
      int port = RedisServer.freeTestPort();
      Path dir = Files.createTempDirectory("rkm-sentinel-" + port + "-");
      Path conf = dir.resolve("sentinel.conf");
      Path log = dir.resolve("sentinel.log");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "port " + port,
              "bind 127.0.0.1",
              "dir " + dir,
              "logfile " + log,
              "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
              "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MS,
              "sentinel failover-timeout " + MASTER_NAME + " 10000",
              "sentinel parallel-syncs " + MASTER_NAME + " 1",
              ""));
      ServerProcess sentinel =
          BinaryLauncher.onPath().start(List.of(conf.toString(), "--sentinel"), dir);
      if (listens(sentinel, log)) {
        sentinels.add(sentinel);
        sentinelPorts.add(port);
        return;
      }
      sentinel.stop();
    }
    throw new IllegalStateException("could not start a Sentinel in 10 attempts");
  }

  /** Whether {@code sentinel} got its port: it logs its ID only after it listens. */
  private static boolean listens(ServerProcess sentinel, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && sentinel.isAlive()) {
      if (Files.exists(log) && Files.readString(log).contains("Sentinel ID is")) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private boolean ready() {
    try (Jedis r = replica.client()) {
      if (!r.info("replication").contains("master_link_status:up")) {
        return false;
      }
    }
    for (int port : sentinelPorts) {
      try (Jedis s = new Jedis("127.0.0.1", port, 2000)) {
        Map<String, String> m = s.sentinelMaster(MASTER_NAME);
        if (!"2".equals(m.get("num-other-sentinels")) || !"1".equals(m.get("num-slaves"))) {
          return false;
        }
      } catch (redis.clients.jedis.exceptions.JedisException e) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    sentinels.forEach(ServerProcess::stop);
    sentinels.clear();
    sentinelPorts.clear();
    master.close();
    replica.close();
  }

  /** The master at start. */
  public RedisServer master() {
    return master;
  }

  /** The replica, master once the Sentinels have promoted it. */
  public RedisServer replica() {
    return replica;
  }

  /** {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/rkm}. */
  public String uri() {
    StringBuilder sb = new StringBuilder("redis-sentinel://");
    for (int i = 0; i < sentinelPorts.size(); i++) {
      sb.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinelPorts.get(i));
    }
    return sb.append('/').append(MASTER_NAME).toString();
  }

  /** Kills the master with SIGKILL, as a crash would. */
  public void killMaster() {
    master.kill();
  }

  /** Waits until the replica has taken the master's role and every Sentinel names it. */
  public void awaitPromoted(Duration timeout) throws InterruptedException {
    Await.until(
        "the replica promoted by the Sentinels",
        timeout,
        () -> {
          try (Jedis r = replica.client()) {
            if (!r.info("replication").contains("role:master")) {
              return false;
            }
            for (int port : sentinelPorts) {
              try (Jedis s = new Jedis("127.0.0.1", port, 2000)) {
                if (!String.valueOf(replica.port())
                    .equals(s.sentinelGetMasterAddrByName(MASTER_NAME).get(1))) {
                  return false;
                }
              }
            }
            return true;
          } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
            // The replica drops its clients as it changes role, on some versions: ask again.
            return false;
          }
        });
  }
}
