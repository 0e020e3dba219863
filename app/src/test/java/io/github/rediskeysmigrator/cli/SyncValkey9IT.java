package io.github.rediskeysmigrator.cli;

import static io.github.rediskeysmigrator.testing.Commands.command;
import static io.github.rediskeysmigrator.testing.DatasetAssert.assertSameContent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code sync} from Valkey 9.1: the replica announces that it reads {@code VALKEY080}, so a
 * snapshot with hashes with field TTLs arrives (as RDB 11 it cannot be written at all), then live
 * commands follow; and a source that breaks off its snapshot again and again ends the run with exit
 * 3 after --retries, instead of being asked for ever in silence.
 */
class SyncValkey9IT {
  /** Offers dual-channel replication, which we do not ask for: a normal sync follows. */
  @RegisterExtension
  static final RedisServerExtension valkey =
      RedisServerExtension.shared(
          "valkey-9.1.2",
          "--repl-diskless-sync-delay",
          "0",
          "--dual-channel-replication-enabled",
          "yes");

  @RegisterExtension
  static final RedisServerExtension redis86 = RedisServerExtension.shared("redis-8.6.3");

  @RegisterExtension
  static final RedisServerExtension redis74 = RedisServerExtension.shared("redis-7.4.1");

  /** Keys of the snapshot in db 0: every type, and three hashes with field TTLs. */
  private static final int SNAPSHOT_KEYS = SampleData.ALL_TYPES_KEYS + 3;

  @TempDir Path tmp;

  @Test
  void aValkey91SnapshotWithFieldTtlsAndLiveCommandsArriveInRedis86AndVerify() throws Exception {
    syncThenCheck(redis86, true);
  }

  @Test
  void aValkey91SnapshotWithFieldTtlsAndLiveCommandsArriveInRedis74AndVerify() throws Exception {
    // Redis 7.4 has field TTLs but no HSETEX (8.0), which a live HSETEX would need.
    syncThenCheck(redis74, false);
  }

  @Test
  void aSnapshotTheSourceCannotWriteEndsWithExit3AfterTheRetries() throws Exception {
    // A real, repeatable failure: disk-based replication into a working directory that is gone,
    // so each BGSAVE child fails to create its temporary file.
    Path gone = Files.createDirectory(tmp.resolve("gone"));
    try (RedisServer source =
        RedisServer.startShared(
            "valkey-9.1.2", "--repl-diskless-sync", "no", "--dir", gone.toString())) {
      try (Jedis s = source.client()) {
        s.set("k", "v");
      }
      Files.delete(gone);
      Path report = tmp.resolve("report.json");
      long start = System.nanoTime();
      Tool.Result r =
          Run.sync(source.uri())
              .to(redis86.uri())
              .args(
                  "--snapshot-only",
                  "--retries",
                  "2",
                  "--retry-backoff",
                  "0.1",
                  "--progress",
                  "never")
              .report(report)
              .inProcess();
      assertEquals(3, r.exit(), r::toString);
      assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 20, r::toString);
      String warning =
          "warning: source " + source.uri() + " broke off its snapshot (it closed the connection)";
      assertEquals(1, count(r.err(), "warning: source"), r::toString);
      assertTrue(r.err().contains(warning), r::toString);
      String stop =
          "source "
              + source.uri()
              + " broke off its snapshot 3 times in a row (last: it closed the connection);"
              + " stopped after --retries 2.";
      assertTrue(r.err().contains("error: " + stop), r::toString);
      String json = Files.readString(report);
      assertTrue(json.contains("\"stop_reason\":\"" + stop), json);
      assertTrue(json.contains("\"read\":0,"), json);
      assertTrue(json.contains("\"exit_code\":3"), json);
      String log = Files.readString(source.dir().resolve("redis.log"));
      assertEquals(3, count(log, "SYNC failed. BGSAVE child returned an error"), log);
      try (Jedis d = redis86.server().client()) {
        assertEquals(0, d.dbSize());
      }
    }
  }

  private void syncThenCheck(RedisServerExtension dest, boolean hsetex) throws Exception {
    long in2h = System.currentTimeMillis() + 7_200_000L;
    try (Jedis s = valkey.server().client()) {
      s.functionFlush();
      SampleData.fillAllTypes(s, "snap:");
      s.hset("snap:hash:fttl", Map.of("a", "1", "b", "2", "c", "3"));
      command(s, "HEXPIRE", "snap:hash:fttl", "3600", "FIELDS", "2", "a", "b");
      command(
          s, "HSETEX", "snap:hash:hsetex", "PXAT", "" + in2h, "FIELDS", "2", "x", "1", "y", "2");
      s.hset("snap:hash:both", Map.of("f", "v", "g", "w"));
      command(s, "HPEXPIRE", "snap:hash:both", "1800000", "FIELDS", "1", "g");
      s.pexpireAt("snap:hash:both", in2h);
      s.select(1);
      s.set("one:k", "v");
    }
    Path report = tmp.resolve("report.json");
    CompletableFuture<Tool.Result> run =
        CompletableFuture.supplyAsync(
            () ->
                Run.sync(valkey.uri())
                    .to(dest.uri())
                    .args("--until-caught-up", "--idle", "2", "--progress", "never")
                    .report(report)
                    .errorLog(tmp.resolve("errors.log"))
                    .inProcess());
    try (Jedis d = dest.server().client()) {
      await("the snapshot at " + dest.uri(), () -> d.dbSize() >= SNAPSHOT_KEYS, run);
    }
    try (Jedis s = valkey.server().client()) {
      s.set("live:str", "v");
      s.incr("live:counter");
      s.del("snap:str:short");
      s.rpush("snap:list:small", "d");
      s.hset("snap:hash:small", "f3", "v3");
      command(s, "HEXPIRE", "snap:hash:small", "1800", "FIELDS", "1", "f1");
      command(s, "HPERSIST", "snap:hash:fttl", "FIELDS", "1", "a");
      s.hset("snap:hash:fttl", "c", "33");
      command(s, "XADD", "snap:stream:events", "*", "n", "live");
      command(s, "XACK", "snap:stream:events", "g1", firstPendingId(s));
      if (hsetex) {
        command(s, "HSETEX", "live:hsetex", "PX", "600000", "FIELDS", "1", "q", "9");
      }
      s.select(1);
      s.set("one:live", "v");
    }
    Tool.Result r = run.get(60, TimeUnit.SECONDS);
    assertEquals(0, r.exit(), r::toString);
    assertFalse(r.err().contains("warning"), r::toString);
    String json = Files.readString(report);
    assertTrue(json.contains("\"read\":" + (SNAPSHOT_KEYS + 1) + ","), json);
    assertTrue(json.contains("\"errors\":0,"), json);
    assertTrue(json.contains("\"commands_failed\":0,"), json);

    try (Jedis s = valkey.server().client();
        Jedis d = dest.server().client()) {
      for (int db : new int[] {0, 1}) {
        s.select(db);
        d.select(db);
        assertSameContent(s, d, 0);
      }
      s.select(0);
      d.select(0);
      List<String> withFieldTtls =
          new ArrayList<>(List.of("snap:hash:fttl", "snap:hash:hsetex", "snap:hash:both"));
      withFieldTtls.add("snap:hash:small");
      if (hsetex) {
        withFieldTtls.add("live:hsetex");
      }
      for (String key : withFieldTtls) {
        Map<String, Long> expected = fieldExpiries(s, key);
        assertTrue(expected.values().stream().anyMatch(t -> t > 0), key + ": " + expected);
        assertEquals(expected, fieldExpiries(d, key), "field TTLs of " + key);
      }
      assertEquals(-1L, fieldExpiries(d, "snap:hash:fttl").get("a"), "HPERSIST applied");
      assertEquals(in2h, d.pexpireTime("snap:hash:both"));
    }

    Tool.Result verify =
        Run.verify(valkey.uri()).to(dest.uri()).args("--progress", "never").inProcess();
    assertEquals(0, verify.exit(), verify::toString);
  }

  /** Each field's absolute expiry in ms (HPEXPIRETIME: -1 for none). */
  @SuppressWarnings("unchecked")
  private static Map<String, Long> fieldExpiries(Jedis j, String key) {
    List<String> fields = new ArrayList<>(j.hkeys(key));
    List<String> args = new ArrayList<>(List.of(key, "FIELDS", "" + fields.size()));
    args.addAll(fields);
    List<Long> times = (List<Long>) command(j, "HPEXPIRETIME", args.toArray(String[]::new));
    Map<String, Long> m = new TreeMap<>();
    for (int i = 0; i < fields.size(); i++) {
      m.put(fields.get(i), times.get(i));
    }
    return m;
  }

  private static String firstPendingId(Jedis s) {
    List<?> pending = (List<?>) command(s, "XPENDING", "snap:stream:events", "g1", "-", "+", "1");
    return new String((byte[]) ((List<?>) pending.get(0)).get(0), StandardCharsets.UTF_8);
  }

  /** Waits up to 20 s for {@code condition}; fails at once, with its output, if the run ends. */
  private static void await(
      String what, Await.Condition condition, CompletableFuture<Tool.Result> run) throws Exception {
    Await.until(
        what,
        Duration.ofSeconds(20),
        () -> {
          if (run.isDone() && !condition.holds()) {
            throw new AssertionError("the run ended before " + what + ": " + run.get());
          }
          return condition.holds();
        });
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
