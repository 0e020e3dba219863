package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.LocalCluster;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code sync} from Redis 8.6.3 while its Redis 8 commands (HSETEX, HGETEX, HGETDEL, the HEXPIRE
 * family, XADD IDMP and its de-duplicated retries, XCFGSET, XDELEX, XACKDEL, SET IFEQ / IFNE,
 * DELEX, MSETEX, VADD / VSETATTR / VREM) flow in the live stream, into a destination of each
 * family: the same version (all applied as they are), Valkey 9.1.2, Redis 7.4.1 and Debian's
 * 7.0.15.
 */
class RedisEightLiveIT {
  @RegisterExtension
  static final RedisServerExtension source =
      RedisServerExtension.shared("redis-8.6.3", "--repl-diskless-sync-delay", "0");

  @RegisterExtension
  static final RedisServerExtension redis86 = RedisServerExtension.shared("redis-8.6.3");

  @RegisterExtension
  static final RedisServerExtension valkey91 = RedisServerExtension.shared("valkey-9.1.2");

  @RegisterExtension
  static final RedisServerExtension redis74 = RedisServerExtension.shared("redis-7.4.1");

  @RegisterExtension static final RedisServerExtension redis70 = RedisServerExtension.debian();

  @RegisterExtension static final LocalCluster cluster = new LocalCluster();

  /** Entries the producers add to stream s (two of them are deleted later). */
  private static final int ENTRIES = 30;

  @TempDir Path tmp;

  /** What one run printed and left behind. */
  private record Run(Tool.Result result, String report, List<String> errors) {}

  private static Object send(Jedis j, String... args) {
    byte[] name = args[0].getBytes(StandardCharsets.UTF_8);
    return j.sendCommand(() -> name, Arrays.copyOfRange(args, 1, args.length));
  }

  private static String text(Object reply) {
    return reply instanceof byte[] b
        ? new String(b, StandardCharsets.UTF_8)
        : String.valueOf(reply);
  }

  /**
   * Syncs from the source into {@code dest} while {@code live} writes to the source after the
   * snapshot; the run ends once caught up and quiet.
   */
  private Run sync(RedisServerExtension dest, LiveWrites live, String... extra) throws Exception {
    return sync(dest, "ready", "ready", live, extra);
  }

  /** The same, with the key that marks the snapshot's arrival named at both ends. */
  private Run sync(
      RedisServerExtension dest, String ready, String readyThere, LiveWrites live, String... extra)
      throws Exception {
    dest.server().flushAll();
    return sync(dest.uri(), dest.server()::client, ready, readyThere, live, extra);
  }

  /** The same into the destination at {@code uri}, {@code readyThere} read by {@code reader}. */
  private Run sync(
      String uri,
      java.util.function.Supplier<Jedis> reader,
      String ready,
      String readyThere,
      LiveWrites live,
      String... extra)
      throws Exception {
    try (Jedis s = source.server().client()) {
      s.flushAll();
      s.set(ready, "1");
    }
    Path report = tmp.resolve("report.json");
    Path errors = tmp.resolve("errors.log");
    List<String> args =
        new ArrayList<>(
            List.of(
                "sync",
                "--from",
                source.uri(),
                "--to",
                uri,
                "--until-caught-up",
                "--idle",
                "3",
                "--report",
                report.toString(),
                "--error-log",
                errors.toString(),
                "--progress",
                "never"));
    args.addAll(List.of(extra));
    CompletableFuture<Tool.Result> run =
        CompletableFuture.supplyAsync(() -> Tool.run(Map.of(), args.toArray(String[]::new)));
    try (Jedis d = reader.get()) {
      Await.until(
          "the snapshot",
          Duration.ofSeconds(30),
          () -> {
            assertFalse(run.isDone(), () -> run.join().toString());
            return d.exists(readyThere);
          });
    }
    try (Jedis s = source.server().client()) {
      live.write(s);
    }
    Tool.Result result = run.get(90, TimeUnit.SECONDS);
    List<String> lines = Files.exists(errors) ? Files.readAllLines(errors) : List.of();
    return new Run(result, Files.readString(report), lines);
  }

  @FunctionalInterface
  private interface LiveWrites {
    void write(Jedis s) throws Exception;
  }

  /** Every Redis 8 write command, as a client of 8.6.3 issues them. */
  private static void redisEight(Jedis s) {
    send(s, "HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
    send(s, "HSETEX", "h", "PX", "100000", "FIELDS", "2", "f", "6", "g", "7");
    // g keeps the TTL the HSETEX before gave it.
    send(s, "HSETEX", "h", "KEEPTTL", "FIELDS", "2", "a", "9", "g", "7");
    send(s, "HGETEX", "h", "EX", "500", "FIELDS", "1", "b");
    send(s, "HGETEX", "h", "PERSIST", "FIELDS", "1", "f");
    send(s, "HGETEX", "h", "FIELDS", "1", "a");
    send(s, "HGETDEL", "h", "FIELDS", "1", "e");
    send(s, "HEXPIRE", "h", "0", "FIELDS", "1", "c");
    send(s, "HEXPIRE", "h", "300", "FIELDS", "1", "d");
    // XCFGSET creates no stream, and clears the IDMP history of one: it comes first.
    send(s, "XADD", "s", "0-1", "first", "entry");
    send(s, "XCFGSET", "s", "IDMP-DURATION", "100", "IDMP-MAXSIZE", "50");
    send(s, "XDEL", "s", "0-1");
    List<String> ids = new ArrayList<>();
    // As in the issue: 30 entries, each sent twice by its producer (29 IDMP, 1 IDMPAUTO).
    for (int i = 1; i < ENTRIES; i++) {
      String id = text(send(s, "XADD", "s", "IDMP", "p1", "i" + i, "*", "n", "" + i));
      // The producer's retry: the source de-duplicates it and answers the same id.
      assertEquals(id, text(send(s, "XADD", "s", "IDMP", "p1", "i" + i, "*", "n", "" + i)));
      ids.add(id);
    }
    String auto = text(send(s, "XADD", "s", "IDMPAUTO", "p2", "*", "f", "v"));
    assertEquals(auto, text(send(s, "XADD", "s", "IDMPAUTO", "p2", "*", "f", "v")));
    send(s, "XGROUP", "CREATE", "s", "g", "0");
    send(s, "XREADGROUP", "GROUP", "g", "c", "COUNT", "3", "STREAMS", "s", ">");
    send(s, "XDELEX", "s", "IDS", "1", ids.get(0));
    send(s, "XACKDEL", "s", "g", "IDS", "1", ids.get(1));
    send(s, "SET", "k", "v1");
    send(s, "SET", "k", "v2", "IFEQ", "v1");
    send(s, "SET", "k", "v3", "IFNE", "zz");
    send(s, "SET", "k2", "x");
    send(s, "DELEX", "k2", "IFEQ", "x");
    send(s, "SET", "k3", "x");
    send(s, "DELEX", "k3");
    send(s, "MSETEX", "2", "m1", "a", "m2", "b", "PX", "100000");
    send(s, "MSETEX", "2", "m3", "c", "m4", "d");
    send(s, "VADD", "v", "VALUES", "3", "1", "0", "0", "e1");
    send(s, "VADD", "v", "VALUES", "3", "0", "1", "0", "e2", "SETATTR", "{\"a\":1}");
    send(s, "VSETATTR", "v", "e1", "{\"b\":2}");
    send(s, "VREM", "v", "e2");
    // A refused command inside a source transaction keeps its place in it.
    send(s, "MULTI");
    send(s, "SET", "tx", "1");
    send(s, "VADD", "v", "VALUES", "3", "0", "0", "1", "e3");
    send(s, "INCR", "tx");
    send(s, "EXEC");
  }

  /** The strings, the stream and its group are the source's. */
  private static void assertStringsAndStream(Jedis s, Jedis d) {
    assertEquals("v3", d.get("k"));
    assertEquals("2", d.get("tx"));
    assertFalse(d.exists("k2") || d.exists("k3"));
    for (String m : List.of("m1", "m2", "m3", "m4")) {
      assertEquals(s.get(m), d.get(m), m);
    }
    assertTrue(d.pttl("m1") > 0 && d.pttl("m2") > 0, "m1 and m2 expire");
    assertEquals(-1, d.pttl("m3"));
    assertEquals(ENTRIES - 2, s.xlen("s"));
    assertEquals(
        s.xrange("s", "-", "+").toString(),
        d.xrange("s", "-", "+").toString(),
        "the same entries, none from a de-duplicated retry");
    assertEquals(
        s.xpending("s", "g").getTotal(), d.xpending("s", "g").getTotal(), "pending entries");
  }

  /** The hash and its field TTLs are the source's. */
  private static void assertHashWithFieldTtls(Jedis s, Jedis d) {
    assertEquals(Map.of("a", "9", "b", "2", "d", "4", "f", "6", "g", "7"), d.hgetAll("h"));
    List<Long> ttls = d.hpttl("h", "a", "b", "d", "f", "g");
    assertEquals(-1L, ttls.get(0), "a: none");
    assertTrue(ttls.get(1) > 400_000, "b: HGETEX EX 500 -> " + ttls);
    assertTrue(ttls.get(2) > 200_000 && ttls.get(2) <= 300_000, "d: HEXPIRE 300 -> " + ttls);
    assertEquals(-1L, ttls.get(3), "f: HGETEX PERSIST");
    assertTrue(ttls.get(4) > 0 && ttls.get(4) <= 100_000, "g: HSETEX PX 100000 -> " + ttls);
    assertEquals(s.hgetAll("h"), d.hgetAll("h"));
  }

  private static long errorLines(Run run, String containing) {
    return run.errors().stream()
        .filter(l -> l.contains(" ERROR ") && l.contains(containing))
        .count();
  }

  @Test
  void intoRedis86EverythingIsAppliedAsItIs() throws Exception {
    Run run = sync(redis86, RedisEightLiveIT::redisEight);

    assertEquals(0, run.result().exit(), run.result()::toString);
    assertTrue(run.report().contains("\"commands_failed\":0,"), run.report());
    assertTrue(run.report().contains("\"unsupported_types\":{},"), run.report());
    assertEquals(List.of(), run.errors());
    try (Jedis s = source.server().client();
        Jedis d = redis86.server().client()) {
      assertHashWithFieldTtls(s, d);
      assertStringsAndStream(s, d);
      assertEquals(2L, (Long) send(d, "VCARD", "v"));
      assertEquals("{\"b\":2}", text(send(d, "VGETATTR", "v", "e1")));
      // The destination recorded the idempotent ids: a producer's retry after the cutover is
      // de-duplicated there too.
      String third = s.xrange("s", "-", "+").get(0).getID().toString();
      assertEquals(third, text(send(d, "XADD", "s", "IDMP", "p1", "i3", "*", "n", "3")));
      assertEquals(ENTRIES - 2, d.xlen("s"));
      assertEquals(s.xrange("s", "-", "+").toString(), d.xrange("s", "-", "+").toString());
      Map<String, Object> info = d.xinfoStream("s").getStreamInfo();
      assertEquals(100L, info.get("idmp-duration"), info::toString);
      assertEquals(50L, info.get("idmp-maxsize"), info::toString);
    }
  }

  @Test
  void intoValkey91IdmpIsStrippedAndVectorSetsAreCountedAsAType() throws Exception {
    Run run = sync(valkey91, RedisEightLiveIT::redisEight, "--checkpoint", tmp + "/cp");

    assertEquals(1, run.result().exit(), run.result()::toString);
    assertTrue(run.report().contains("\"commands_failed\":6,"), run.report());
    assertTrue(run.report().contains("\"unsupported_types\":{\"vectorset\":5},"), run.report());
    assertEquals(6, run.errors().size(), run.errors()::toString);
    assertEquals(5, errorLines(run, "cannot hold vector sets"), run.errors()::toString);
    assertEquals(1, errorLines(run, "command XCFGSET"), run.errors()::toString);
    assertEquals(6, errorLines(run, "valkey 9.1.2"), run.errors()::toString);
    assertEquals(0, errorLines(run, "XADD"), run.errors()::toString);
    assertTrue(run.result().out().contains("5 vectorset"), run.result()::toString);
    try (Jedis s = source.server().client();
        Jedis d = valkey91.server().client()) {
      assertHashWithFieldTtls(s, d);
      assertStringsAndStream(s, d);
      assertFalse(d.exists("v"));
    }
  }

  @Test
  void intoRedis74TheRedis8CommandsAreTranslated() throws Exception {
    Run run = sync(redis74, RedisEightLiveIT::redisEight);

    assertEquals(1, run.result().exit(), run.result()::toString);
    assertTrue(run.report().contains("\"commands_failed\":6,"), run.report());
    assertTrue(run.report().contains("\"unsupported_types\":{\"vectorset\":5},"), run.report());
    assertEquals(5, errorLines(run, "redis 7.4.1 cannot hold vector sets"), run.errors()::toString);
    assertEquals(1, errorLines(run, "command XCFGSET"), run.errors()::toString);
    try (Jedis s = source.server().client();
        Jedis d = redis74.server().client()) {
      assertHashWithFieldTtls(s, d);
      assertStringsAndStream(s, d);
      assertFalse(d.exists("v"));
    }
  }

  @Test
  void intoRedis70OnlyTheFieldTtlCommandsAreRefusedEachWithOneLine() throws Exception {
    Run run = sync(redis70, RedisEightLiveIT::redisEight, "--checkpoint", tmp + "/cp");

    assertEquals(1, run.result().exit(), run.result()::toString);
    // HSETEX PX, and the two HPEXPIREAT of HGETEX EX and HEXPIRE 300; XCFGSET; 5 vector set.
    assertTrue(run.report().contains("\"commands_failed\":9,"), run.report());
    assertTrue(run.report().contains("\"unsupported_types\":{\"vectorset\":5},"), run.report());
    assertEquals(9, run.errors().size(), run.errors()::toString);
    assertEquals(
        3,
        errorLines(
            run, "hash field TTLs (Redis 7.4+) cannot be kept by the destination (redis 7.0"),
        run.errors()::toString);
    assertEquals(1, errorLines(run, "command HSETEX"), run.errors()::toString);
    assertEquals(2, errorLines(run, "command HPEXPIREAT"), run.errors()::toString);
    try (Jedis s = source.server().client();
        Jedis d = redis70.server().client()) {
      // HSETEX PX was refused, so f is not there; HSETEX KEEPTTL became HSET, which wrote g.
      assertEquals(Map.of("a", "9", "b", "2", "d", "4", "g", "7"), d.hgetAll("h"));
      assertStringsAndStream(s, d);
      assertFalse(d.exists("v"));
    }
  }

  @Test
  void renamedAndFilteredIntoValkey() throws Exception {
    Run run =
        sync(
            valkey91,
            "a:ready",
            "b:ready",
            s -> {
              send(s, "HSETEX", "a:h", "PX", "100000", "FIELDS", "1", "f", "1");
              send(s, "HSETEX", "z:h", "PX", "100000", "FIELDS", "1", "f", "1");
              send(s, "MSETEX", "2", "a:m1", "x", "a:m2", "y", "PX", "100000");
              send(s, "MSETEX", "2", "a:m3", "x", "z:m4", "y");
              send(s, "XADD", "a:s", "IDMP", "p", "i", "*", "f", "v");
              send(s, "XADD", "a:s", "IDMP", "p", "i", "*", "f", "v");
              send(s, "VADD", "a:v", "VALUES", "2", "1", "0", "e");
              send(s, "VADD", "z:v", "VALUES", "2", "1", "0", "e");
            },
            "--match",
            "a:*",
            "--rename-prefix",
            "a:=b:");

    assertEquals(1, run.result().exit(), run.result()::toString);
    assertTrue(run.report().contains("\"commands_failed\":1,"), run.report());
    // The three on z: keys (and the source's PINGs, keyless, if one came).
    long filtered = ((Number) JsonText.object(run.report()).get("commands_filtered")).longValue();
    assertTrue(filtered >= 3, run.report());
    assertTrue(run.report().contains("\"unsupported_types\":{\"vectorset\":1},"), run.report());
    assertEquals(1, errorLines(run, "VADD on 'b:v'"), run.errors()::toString);
    try (Jedis d = valkey91.server().client()) {
      assertEquals("1", d.hget("b:h", "f"));
      assertTrue(d.hpttl("b:h", "f").get(0) > 0);
      assertEquals("x", d.get("b:m1"));
      assertTrue(d.pttl("b:m2") > 0);
      assertEquals(1, d.xlen("b:s"));
      assertEquals(
          List.of("b:h", "b:m1", "b:m2", "b:ready", "b:s"),
          new ArrayList<>(new java.util.TreeSet<>(d.keys("*"))));
    }
  }

  @Test
  void intoARedis70ClusterTheTranslationsGoToTheirKeysMasters() throws Exception {
    byte[] ready = "ready".getBytes(StandardCharsets.UTF_8);
    Run run =
        sync(
            cluster.uri(),
            () -> cluster.clientFor(ready),
            "ready",
            "ready",
            s -> {
              List<String> ids = new ArrayList<>();
              for (int i = 1; i <= 4; i++) {
                ids.add(text(send(s, "XADD", "{t}s", "IDMP", "p", "i" + i, "*", "n", "" + i)));
                send(s, "XADD", "{t}s", "IDMP", "p", "i" + i, "*", "n", "" + i);
              }
              send(s, "XGROUP", "CREATE", "{t}s", "g", "0");
              send(s, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "{t}s", ">");
              send(s, "XACKDEL", "{t}s", "g", "IDS", "1", ids.get(0));
              send(s, "MSETEX", "2", "{t}m1", "a", "{t}m2", "b", "PX", "100000");
              send(s, "MSETEX", "2", "m3", "c", "m4", "d");
              send(s, "HSETEX", "h", "KEEPTTL", "FIELDS", "1", "f", "1");
              send(s, "VADD", "v", "VALUES", "2", "1", "0", "e");
            });

    assertEquals(1, run.result().exit(), run.result()::toString);
    assertTrue(run.report().contains("\"commands_failed\":1,"), run.report());
    assertTrue(run.report().contains("\"unsupported_types\":{\"vectorset\":1},"), run.report());
    assertEquals(1, errorLines(run, "VADD on 'v': redis 7.0.15"), run.errors()::toString);
    try (Jedis s = source.server().client();
        Jedis t = cluster.clientFor("{t}s".getBytes(StandardCharsets.UTF_8));
        Jedis m3 = cluster.clientFor("m3".getBytes(StandardCharsets.UTF_8));
        Jedis m4 = cluster.clientFor("m4".getBytes(StandardCharsets.UTF_8));
        Jedis h = cluster.clientFor("h".getBytes(StandardCharsets.UTF_8))) {
      assertEquals(s.xrange("{t}s", "-", "+").toString(), t.xrange("{t}s", "-", "+").toString());
      assertEquals(3, t.xlen("{t}s"));
      assertEquals(3, t.xpending("{t}s", "g").getTotal());
      assertEquals("a", t.get("{t}m1"));
      assertTrue(t.pttl("{t}m2") > 0);
      assertEquals("c", m3.get("m3"));
      assertEquals("d", m4.get("m4"));
      assertEquals("1", h.hget("h", "f"));
      assertEquals(7, cluster.dbSize(), "ready, {t}s, {t}m1, {t}m2, m3, m4, h");
    }
  }

  @Test
  void aVectorSetInTheSnapshotIsCountedAsATypeValkeyCannotHold() throws Exception {
    try (Jedis s = source.server().client()) {
      s.flushAll();
      send(s, "VADD", "v", "VALUES", "3", "1", "0", "0", "e1");
      s.set("k", "v");
    }
    valkey91.server().flushAll();
    Path report = tmp.resolve("snapshot.json");
    Path errors = tmp.resolve("snapshot.log");
    Tool.Result r =
        io.github.rediskeysmigrator.cli.Run.sync(source.uri())
            .to(valkey91.uri())
            .args("--snapshot-only")
            .report(report)
            .errorLog(errors)
            .args("--progress", "never")
            .inProcess();

    assertEquals(1, r.exit(), r::toString);
    String json = Files.readString(report);
    assertTrue(json.contains("\"written\":1,"), json);
    assertTrue(json.contains("\"errors\":1,"), json);
    assertTrue(json.contains("\"unsupported_types\":{\"vectorset\":1},"), json);
    assertTrue(r.out().contains("types not held       1 vectorset"), r::toString);
    List<String> lines = Files.readAllLines(errors);
    assertEquals(1, lines.size(), lines::toString);
    assertTrue(
        lines.get(0).contains("key=\"v\"")
            && lines.get(0).contains("valkey 9.1.2 cannot hold vector sets"),
        lines.get(0));
    try (Jedis d = valkey91.server().client()) {
      assertEquals("v", d.get("k"));
      assertFalse(d.exists("v"));
    }
  }

  @Test
  void vectorSetCommandsAreModuleCommandsForType() throws Exception {
    Run run =
        sync(
            valkey91,
            s -> {
              send(s, "HSETEX", "h", "PX", "100000", "FIELDS", "1", "f", "1");
              send(s, "VADD", "v", "VALUES", "2", "1", "0", "e");
              send(s, "VREM", "v", "e");
              send(s, "SET", "k", "x");
            },
            "--type",
            "hash,string");

    assertEquals(0, run.result().exit(), run.result()::toString);
    assertTrue(run.report().contains("\"commands_failed\":0,"), run.report());
    assertTrue(run.report().contains("\"unsupported_types\":{},"), run.report());
    long filtered = ((Number) JsonText.object(run.report()).get("commands_filtered")).longValue();
    assertTrue(filtered >= 2, run.report());
    try (Jedis d = valkey91.server().client()) {
      assertEquals("1", d.hget("h", "f"));
      assertEquals("x", d.get("k"));
    }
  }
}
