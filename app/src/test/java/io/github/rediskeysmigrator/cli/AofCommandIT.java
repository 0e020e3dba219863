package io.github.rediskeysmigrator.cli;

import static io.github.rediskeysmigrator.testing.DatasetAssert.assertSameContent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.AofServers;
import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.ServerVersions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;

/**
 * {@code aof} against real servers: the AOF a server of each version writes is replayed, and the
 * destination then holds what a redis-server started on a copy of the same AOF (the oracle) holds,
 * key by key; --until stops at a point in time; cut and corrupt files end as Redis's loader ends.
 */
class AofCommandIT {
  @TempDir Path tmp;

  private static boolean sixTwo(String version) {
    return version.equals(AofServers.SIX_TWO);
  }

  /** The oracle: a server of {@code version} loading a copy of the AOF in {@code dir}. */
  private RedisServer oracle(String version, Path dir) throws IOException {
    Path copy = Files.createTempDirectory(tmp, "oracle-");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = copy.resolve(dir.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else if (f.getFileName().toString().startsWith("appendonly")) {
          Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return RedisServer.start(
        RedisServer.launcher(version), "--appendonly", "yes", "--dir", copy.toString());
  }

  private static Path aofPath(String version, Path dir) {
    return sixTwo(version) ? dir.resolve("appendonly.aof") : dir.resolve("appendonlydir");
  }

  @ParameterizedTest(name = "{0}, rdb preamble {1}")
  @CsvSource({
    "redis-6.2.11, false",
    "redis-6.2.11, true",
    ServerVersions.DEBIAN + ", true",
    ServerVersions.DEBIAN + ", false",
    "redis-7.4.1, true",
    "redis-7.4.1, false",
    "redis-8.6.3, true",
    "redis-8.6.3, false",
    "valkey-9.1.2, true"
  })
  void destinationEqualsAServerLoadingTheSameAof(String version, boolean preamble)
      throws Exception {
    Path dir = Files.createTempDirectory(tmp, "aof-");
    try (RedisServer source = AofServers.start(version, dir, preamble);
        RedisServer dest = RedisServer.start(RedisServer.launcher(version))) {
      try (Jedis j = source.client()) {
        AofServers.writeHistory(j, version);
      }
      try (RedisServer oracle = oracle(version, dir);
          Jedis want = oracle.client();
          Jedis got = dest.client()) {
        Tool.Result r =
            Run.of("aof", aofPath(version, dir).toString())
                .to(dest.uri())
                .outputsIn(tmp)
                .inProcess();
        assertEquals(0, r.exit(), r::toString);
        long tolerance = sixTwo(version) ? 1000 : 0;
        for (int db : new int[] {0, 3}) {
          want.select(db);
          got.select(db);
          assertSameContent(want, got, tolerance);
        }
        if (!sixTwo(version)) {
          assertEquals(want.functionList().size(), got.functionList().size(), "function libraries");
        }
        ReportAssert report = ReportAssert.of(tmp.resolve("r.json")).addsUp();
        assertEquals(0, report.get("commands_failed"), report::toString);
        assertTrue(report.get("aof_commands") > 0, report::toString);
        if (preamble) {
          // The key was in the base RDB written by the rewrite, expired when it is replayed.
          assertEquals(1, report.get("skipped_expired"), report::toString);
        }
      }
    }
  }

  @Test
  void anUnreachableDestinationIsExit3() throws Exception {
    Path aof = tmp.resolve("appendonly.aof");
    Files.writeString(aof, "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n");
    Tool.Result r =
        Run.of("aof", aof.toString()).to("redis://127.0.0.1:1").outputsIn(tmp).inProcess();
    assertEquals(3, r.exit(), r::toString);
  }

  @Test
  void severalPathsAreReplayedTogether() throws Exception {
    Path a = AofServers.tenSets(Files.createTempDirectory(tmp, "aof-"), "a");
    Path b = AofServers.tenSets(Files.createTempDirectory(tmp, "aof-"), "b");
    try (RedisServer dest = RedisServer.startDebian();
        Jedis got = dest.client()) {
      Tool.Result r =
          Run.of("aof", a.toString(), b.toString(), "--until-offset", "6")
              .to(dest.uri())
              .outputsIn(tmp)
              .inProcess();
      assertEquals(0, r.exit(), r::toString);
      assertEquals(12, got.dbSize());
      assertTrue(got.exists("a5") && got.exists("b5") && !got.exists("a6"));
      ReportAssert.of(tmp.resolve("r.json")).addsUp().has("aof_commands", 12);
    }
  }

  @Test
  void aCutLastCommandIsLeftOutWithANoteAndCounted() throws Exception {
    Path aof = AofServers.tenSets(Files.createTempDirectory(tmp, "aof-"), "k");
    byte[] whole = Files.readAllBytes(aof);
    Path gz = tmp.resolve("cut.aof.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(whole, 0, whole.length - 5);
    }
    try (RedisServer dest = RedisServer.startDebian();
        Jedis got = dest.client()) {
      Tool.Result r = Run.of("aof", gz.toString()).to(dest.uri()).outputsIn(tmp).inProcess();
      assertEquals(0, r.exit(), r::toString);
      assertTrue(r.err().contains("note: ") && r.err().contains("left out"), r::toString);
      assertEquals(9, got.dbSize());
      ReportAssert.of(tmp.resolve("r.json")).addsUp().has("aof_truncated_commands", 1);
    }
  }

  @Test
  void aCorruptCommandIsExit5WithItsOffsetAndNothingWritten() throws Exception {
    Path aof = AofServers.tenSets(Files.createTempDirectory(tmp, "aof-"), "k");
    byte[] bytes = Files.readAllBytes(aof);
    String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("*3", text.indexOf("k5") - 20);
    bytes[at] = 'X';
    Files.write(aof, bytes);
    try (RedisServer dest = RedisServer.startDebian();
        Jedis got = dest.client()) {
      Tool.Result r = Run.of("aof", aof.toString()).to(dest.uri()).outputsIn(tmp).inProcess();
      assertEquals(5, r.exit(), r::toString);
      assertTrue(r.err().contains("at byte " + at), r::toString);
      assertEquals(0, got.dbSize());
    }
  }

  @Test
  void aManifestNamingAMissingFileIsExit5BeforeAnyWrite() throws Exception {
    Path dir = Files.createTempDirectory(tmp, "aof-");
    try (RedisServer source = AofServers.start("redis-7.4.1", dir, true);
        Jedis j = source.client()) {
      j.set("a", "b");
    }
    Path appendonlydir = dir.resolve("appendonlydir");
    try (Stream<Path> files = Files.list(appendonlydir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().endsWith(".incr.aof")) {
          Files.delete(f);
        }
      }
    }
    try (RedisServer dest = RedisServer.startDebian();
        Jedis got = dest.client()) {
      Tool.Result r =
          Run.of("aof", appendonlydir.toString()).to(dest.uri()).outputsIn(tmp).inProcess();
      assertEquals(5, r.exit(), r::toString);
      assertTrue(r.err().contains("which is missing"), r::toString);
      assertEquals(0, got.dbSize());
    }
  }

  @Test
  void untilOnFilesWithoutAnnotationsIsExit2() throws Exception {
    Path aof = AofServers.tenSets(Files.createTempDirectory(tmp, "aof-"), "k");
    try (RedisServer dest = RedisServer.startDebian();
        Jedis got = dest.client()) {
      Tool.Result r =
          Run.of("aof", aof.toString(), "--until", "2026-03-02T14:04:59Z")
              .to(dest.uri())
              .outputsIn(tmp)
              .inProcess();
      assertEquals(2, r.exit(), r::toString);
      assertTrue(r.err().contains("#TS:"), r::toString);
      assertEquals(0, got.dbSize());
    }
  }
}
