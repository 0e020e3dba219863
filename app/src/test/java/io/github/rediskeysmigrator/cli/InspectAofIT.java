package io.github.rediskeysmigrator.cli;

import static io.github.rediskeysmigrator.testing.JsonTree.list;
import static io.github.rediskeysmigrator.testing.JsonTree.longs;
import static io.github.rediskeysmigrator.testing.JsonTree.map;
import static io.github.rediskeysmigrator.testing.JsonTree.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.SampleData;
import io.github.rediskeysmigrator.testing.ServerVersions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/** {@code inspect} on append-only files written by real redis-servers. */
class InspectAofIT {
  /**
   * Every command in the file before its reply: with {@code everysec} Redis may postpone the write
   * while a background fsync runs, and the copy taken after the last reply would miss it.
   */
  private static final String ALWAYS = "always";

  @TempDir Path tmp;

  /** Waits until the server has AOF on and no rewrite running or due. */
  private static void awaitAofIdle(RedisServer server) throws InterruptedException {
    Await.until(
        "AOF on and no rewrite in progress",
        Duration.ofSeconds(60),
        () -> {
          try (Jedis j = server.client()) {
            String info = j.info("persistence");
            return info.contains("aof_enabled:1")
                && info.contains("aof_rewrite_in_progress:0")
                && info.contains("aof_rewrite_scheduled:0");
          }
        });
  }

  /** A copy of {@code dir} (the server keeps its own files open). */
  private Path copy(Path dir, String name) throws IOException {
    Path target = tmp.resolve(name);
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return target;
  }

  /** The file of {@code dir} whose name ends with {@code suffix}. */
  private static Path fileEndingWith(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(suffix))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no *" + suffix + " in " + dir));
    }
  }

  /**
   * Redis 7.0.15 with timestamps: every type saved into the base RDB by a rewrite, then 5 SET, 3
   * HSET, 2 RPUSH and a MULTI block with two INCR, written in two different seconds.
   */
  private Path redis7AppendOnlyDir(long[] seconds) throws Exception {
    try (RedisServer server =
        RedisServer.startShared(
            ServerVersions.DEBIAN,
            "--appendonly",
            "yes",
            "--aof-timestamp-enabled",
            "yes",
            "--appendfsync",
            ALWAYS)) {
      try (Jedis j = server.client()) {
        SampleData.fillAllTypes(j, "");
        j.bgrewriteaof();
        awaitAofIdle(server);
        // In a new second, the first command gets a #TS: line of its own.
        long rewritten = Instant.now().getEpochSecond();
        Await.until(
            "the next second",
            Duration.ofSeconds(5),
            () -> Instant.now().getEpochSecond() > rewritten);
        seconds[0] = Instant.now().getEpochSecond();
        for (int i = 0; i < 5; i++) {
          j.set("s:" + i, "v");
        }
        for (int i = 0; i < 3; i++) {
          j.hset("h:" + i, "f", "v");
        }
        long first = Instant.now().getEpochSecond();
        // A second #TS: line needs the clock to move on to the next second.
        Await.until(
            "the next second", Duration.ofSeconds(5), () -> Instant.now().getEpochSecond() > first);
        j.rpush("l", "a");
        j.rpush("l", "b");
        Transaction t = j.multi();
        // Two writes: Redis 7 logs a block of one write without MULTI and EXEC.
        t.incr("n");
        t.incr("m");
        t.exec();
        seconds[1] = Instant.now().getEpochSecond();
      }
      return copy(server.dir().resolve("appendonlydir"), "appendonlydir");
    }
  }

  @Test
  void describesTheFilesBaseCommandsAndTimestampsOfARedis7AppendOnlyDir() throws Exception {
    long[] seconds = new long[2];
    Path dir = redis7AppendOnlyDir(seconds);

    Tool.Result r = Tool.run(Map.of(), "inspect", "--json", dir.toString());

    assertEquals(0, r.exit(), r::toString);
    Map<String, Object> top = JsonText.object(r.out());
    assertEquals(List.of(), top.get("files"));
    List<Object> aofs = list(top.get("aofs"));
    assertEquals(1, aofs.size());
    Map<String, Object> aof = map(aofs.get(0));
    assertEquals("RDB", aof.get("base_type"));
    List<Object> parts = list(aof.get("parts"));
    assertEquals(2, parts.size(), parts::toString);
    assertEquals("base", map(parts.get(0)).get("type"));
    assertEquals("RDB", map(parts.get(0)).get("format"));
    assertEquals("incr", map(parts.get(1)).get("type"));
    assertEquals("AOF", map(parts.get(1)).get("format"));
    assertEquals(14, num(map(parts.get(1)).get("commands")));
    Map<String, Long> commands = longs(map(aof.get("commands")));
    assertEquals(
        Map.of("SET", 5L, "HSET", 3L, "RPUSH", 2L, "MULTI", 1L, "INCR", 2L, "EXEC", 1L), commands);
    assertEquals(14, num(aof.get("commands_total")));
    Map<String, Object> base = map(aof.get("base_rdb"));
    assertEquals(SampleData.ALL_TYPES_KEYS, num(base.get("keys")));
    assertEquals("verified", base.get("checksum"));
    long first = num(map(aof.get("first_timestamp")).get("epoch_seconds"));
    long last = num(map(aof.get("last_timestamp")).get("epoch_seconds"));
    assertTrue(seconds[0] <= first && first < last && last <= seconds[1], first + " " + last);
    assertEquals(Instant.ofEpochSecond(last).toString(), map(aof.get("last_timestamp")).get("iso"));
    assertNull(aof.get("cut"));

    Tool.Result text =
        Tool.run(Map.of(), "inspect", dir.resolve("appendonly.aof.manifest").toString());
    assertEquals(0, text.exit(), text::toString);
    assertTrue(text.out().contains("base type      RDB"), text.out());
    assertTrue(text.out().contains("commands       14 in all (SELECT not counted)"), text.out());
    assertTrue(
        text.out().contains("first #TS      " + Instant.ofEpochSecond(first) + " (epoch " + first),
        text.out());
    assertTrue(text.out().contains("    keys           " + SampleData.ALL_TYPES_KEYS), text.out());
  }

  @Test
  void showsACutLastCommandAndStopsWithFileAndOffsetOnACorruptOne() throws Exception {
    Path dir = redis7AppendOnlyDir(new long[2]);
    Path incr = fileEndingWith(dir, ".incr.aof");
    byte[] bytes = Files.readAllBytes(incr);
    // The last command is the EXEC of the MULTI block: cut its last byte off. Redis leaves out
    // the cut command and, without its EXEC, the whole block.
    Files.write(incr, java.util.Arrays.copyOf(bytes, bytes.length - 1));
    int exec = lastCommandStart(bytes);
    int multi = new String(bytes, StandardCharsets.ISO_8859_1).lastIndexOf("*1\r\n$5\r\nMULTI");

    Tool.Result cut = Tool.run(Map.of(), "inspect", "--json", dir.toString());

    assertEquals(0, cut.exit(), cut::toString);
    Map<String, Object> aof = map(list(JsonText.object(cut.out()).get("aofs")).get(0));
    Map<String, Object> cutTail = map(aof.get("cut"));
    assertEquals(incr.toString(), cutTail.get("file"));
    assertTrue(multi > 0 && multi < exec, "MULTI at " + multi);
    assertEquals(multi, num(cutTail.get("offset")));
    assertEquals(4, num(cutTail.get("commands")), "MULTI, INCR, INCR and the cut EXEC");
    assertEquals(13, num(aof.get("commands_total")));

    byte[] corrupt = bytes.clone();
    corrupt[exec] = '+';
    Files.write(incr, corrupt);

    Tool.Result bad = Tool.run(Map.of(), "inspect", dir.toString());

    assertEquals(5, bad.exit(), bad::toString);
    assertEquals("", bad.out());
    assertTrue(
        bad.err().contains(incr + " at byte " + exec + ": expected a command ('*'), found '+'"),
        bad.err());

    Files.delete(incr);
    Tool.Result missing = Tool.run(Map.of(), "inspect", dir.toString());
    assertEquals(5, missing.exit(), missing::toString);
    assertTrue(missing.err().contains(incr + ", which is missing"), missing.err());
  }

  /** Where the last {@code *N} line of an AOF starts. */
  private static int lastCommandStart(byte[] aof) {
    for (int i = aof.length - 1; i > 0; i--) {
      if (aof[i] == '*' && aof[i - 1] == '\n') {
        return i;
      }
    }
    throw new AssertionError("no command in the AOF");
  }

  @Test
  void describesARedis62SingleFileWithAnRdbPreambleGzippedOrNot() throws Exception {
    Path file;
    try (RedisServer server = RedisServer.startShared("redis-6.2.11", "--appendfsync", ALWAYS)) {
      try (Jedis j = server.client()) {
        SampleData.fillAllTypes(j, "");
        // Turning AOF on rewrites the dataset into the file first: the RDB preamble.
        j.configSet("appendonly", "yes");
        awaitAofIdle(server);
        j.set("after", "1");
        j.del("str:short");
      }
      file = Files.copy(server.dir().resolve("appendonly.aof"), tmp.resolve("appendonly.aof"));
    }
    Path gz = tmp.resolve("backup.aof.gz");
    try (InputStream in = Files.newInputStream(file);
        OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      in.transferTo(out);
    }

    Tool.Result r = Tool.run(Map.of(), "inspect", "--json", file.toString(), gz.toString());

    assertEquals(0, r.exit(), r::toString);
    List<Object> aofs = list(JsonText.object(r.out()).get("aofs"));
    assertEquals(2, aofs.size());
    for (Object o : aofs) {
      Map<String, Object> aof = map(o);
      assertEquals("RDB", aof.get("base_type"));
      assertNull(aof.get("manifest"));
      Map<String, Object> base = map(aof.get("base_rdb"));
      assertEquals(SampleData.ALL_TYPES_KEYS, num(base.get("keys")));
      assertEquals("verified", base.get("checksum"));
      Map<String, Object> commands = map(aof.get("commands"));
      assertEquals(2, num(aof.get("commands_total")), commands::toString);
      assertEquals(1, num(commands.get("SET")));
      assertEquals(1, num(commands.get("DEL")));
      assertNull(aof.get("first_timestamp"));
    }
    assertEquals(true, map(list(map(aofs.get(1)).get("parts")).get(0)).get("gzip"));

    Tool.Result text = Tool.run(Map.of(), "inspect", file.toString());
    assertTrue(text.out().contains("(AOF, a single file)"), text.out());
    assertTrue(text.out().contains("checksum       verified"), text.out());
    assertTrue(text.out().contains("timestamps     none"), text.out());
    assertTrue(
        text.out().contains("redis-ver = 6.2.11") && text.out().contains("aof-preamble = 1"),
        text.out());

    // One byte changed inside the preamble's data (the value of str:short): the keys still parse,
    // the CRC64 of the preamble alone no longer matches.
    byte[] bytes = Files.readAllBytes(file);
    int x = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("hello");
    assertTrue(x > 0, "no 'hello' in the preamble");
    bytes[x + 1] = 'a';
    Files.write(file, bytes);
    Tool.Result bad = Tool.run(Map.of(), "inspect", file.toString());
    assertEquals(5, bad.exit(), bad::toString);
    assertTrue(bad.err().contains(file + ": checksum mismatch"), bad.err());
  }

  @Test
  void describesARedis7BaseOfCommandsWithoutAPreamble() throws Exception {
    Path dir;
    try (RedisServer server =
        RedisServer.startShared(
            ServerVersions.DEBIAN,
            "--appendonly",
            "yes",
            "--aof-use-rdb-preamble",
            "no",
            "--appendfsync",
            ALWAYS)) {
      try (Jedis j = server.client()) {
        SampleData.fillStrings(j, "k", 10);
        j.bgrewriteaof();
        awaitAofIdle(server);
        j.set("after", "1");
        j.flushDB();
        j.set("late", "1");
      }
      dir = copy(server.dir().resolve("appendonlydir"), "commands-base");
    }

    Tool.Result r = Tool.run(Map.of(), "inspect", "--json", dir.toString());

    assertEquals(0, r.exit(), r::toString);
    Map<String, Object> aof = map(list(JsonText.object(r.out()).get("aofs")).get(0));
    assertEquals("AOF", aof.get("base_type"));
    assertNull(aof.get("base_rdb"));
    List<Object> parts = list(aof.get("parts"));
    assertEquals("AOF", map(parts.get(0)).get("format"));
    // The rewrite logs one SET per string (and a SELECT, not counted); the incremental file a
    // SET, the FLUSHDB and one more SET.
    assertEquals(Map.of("SET", 12L, "FLUSHDB", 1L), longs(map(aof.get("commands"))));
    assertEquals(3, num(map(parts.get(1)).get("commands")));
    List<Object> flushes = list(aof.get("flushes"));
    assertEquals(1, flushes.size(), flushes::toString);
    Map<String, Object> flush = map(flushes.get(0));
    assertEquals("FLUSHDB", flush.get("command"));
    assertEquals(map(parts.get(1)).get("file"), flush.get("file"));
    assertNull(flush.get("after_timestamp"));
    assertEquals(11, num(flush.get("commands_before")));

    // The offset inspect names replays everything before the FLUSHDB, and nothing after it.
    try (RedisServer dest = RedisServer.startShared(ServerVersions.DEBIAN)) {
      Tool.Result replay =
          Run.of("aof", dir.toString(), "--until-offset", "11")
              .to(dest.uri())
              .outputsIn(tmp)
              .inProcess();
      assertEquals(0, replay.exit(), replay::toString);
      try (Jedis j = dest.client()) {
        assertEquals(11, j.dbSize());
        assertEquals("1", j.get("after"));
      }
    }
    Tool.Result text = Tool.run(Map.of(), "inspect", dir.toString());
    assertTrue(
        text.out().contains("flushes        FLUSHDB at byte ")
            && text.out().contains("no #TS: before it; --until-offset 11 replays what came"),
        text.out());
  }
}
