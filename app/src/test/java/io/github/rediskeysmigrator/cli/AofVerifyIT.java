package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.AofServers;
import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.BinaryLauncher;
import io.github.rediskeysmigrator.testing.Dataset;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.ReportAssert;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code verify} of an AOF source against real servers: the AOF is cut where {@code aof} stops and
 * loaded by a redis-server of the version that wrote it (the oracle), which is then compared with
 * the destination; the oracle is stopped and its copy deleted afterwards.
 */
class AofVerifyIT {
  @TempDir Path tmp;

  /** The binary of {@code version}, which serves as the oracle. */
  private static String binary(String version) {
    return assertInstanceOf(BinaryLauncher.class, RedisServer.launcher(version)).binary();
  }

  /**
   * {@code verify} of {@code aof}, stopped where {@code stop} says (--until and the like, or
   * nothing), into {@code dest} against an oracle of {@code version}.
   */
  private Tool.Result verify(String aof, String version, RedisServer dest, String... stop) {
    return Run.verify(aof)
        .args(stop)
        .args("--oracle-server", binary(version))
        .to(dest.uri())
        .outputsIn(tmp)
        .inProcess();
  }

  /** How many oracle copies are left in the temporary directory. */
  private static long oracleCopies() throws Exception {
    try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return all.filter(p -> p.getFileName().toString().startsWith("rkm-oracle-")).count();
    }
  }

  @Test
  void anAofVerifiesAgainstWhatAofWroteAndAChangedKeyIsExit6() throws Exception {
    String version = "redis-7.4.1";
    Path dir = Files.createTempDirectory(tmp, "aof-");
    long copiesBefore = oracleCopies();
    try (RedisServer source = AofServers.start(version, dir, true);
        RedisServer dest = RedisServer.start(RedisServer.launcher(version));
        Jedis j = source.client();
        Jedis got = dest.client()) {
      AofServers.writeHistory(j, version);
      String aof = dir.resolve("appendonlydir").toString();
      Tool.Result r = Run.of("aof", aof).to(dest.uri()).outputsIn(tmp).inProcess();
      assertEquals(0, r.exit(), r::toString);

      r = verify(aof, version, dest);
      assertEquals(0, r.exit(), r::toString);
      String report = Files.readString(tmp.resolve("r.json"));
      assertTrue(report.contains("oracle_version") && report.contains("v=7.4.1"), report);
      assertTrue(report.contains("aof_stop_point"), report);
      // Every db of the AOF was compared, not only db 0.
      long keys = got.dbSize();
      got.select(3);
      keys += got.dbSize();
      assertEquals(keys, ReportAssert.of(tmp.resolve("r.json")).get("read"), report);
      assertTrue(r.out().contains("oracle: Redis server v=7.4.1"), r::toString);

      got.set("db3:str:short", "changed at the destination");
      r = verify(aof, version, dest);
      assertEquals(6, r.exit(), r::toString);
      assertTrue(r.out().contains("db3:str:short"), r::toString);
    }
    assertEquals(copiesBefore, oracleCopies(), "the oracle's copy is deleted");
  }

  /** {@code aof --until} stops before a FLUSHALL, and {@code verify --until} agrees with it. */
  @Test
  void untilBeforeAFlushallStopsThereAndVerifiesThePreFlushallState() throws Exception {
    String version = "redis-7.4.1";
    Path dir = Files.createTempDirectory(tmp, "aof-");
    try (RedisServer source = AofServers.start(version, dir, true);
        RedisServer dest = RedisServer.start(RedisServer.launcher(version));
        Jedis j = source.client()) {
      AofServers.writeHistory(j, version);
      Map<String, String> before = Dataset.of(j);
      long second = AofServers.flushAllLater(j);
      String aof = dir.resolve("appendonlydir").toString();
      String until = Instant.ofEpochSecond(second).toString();
      Tool.Result r =
          Run.of("aof", aof, "--until", until).to(dest.uri()).outputsIn(tmp).inProcess();
      assertEquals(0, r.exit(), r::toString);
      try (Jedis got = dest.client()) {
        assertEquals(before, Dataset.of(got));
      }
      ReportAssert report = ReportAssert.of(tmp.resolve("r.json")).addsUp();
      assertTrue(
          report.toString().contains("--until: the next command is annotated"), report::toString);

      r = verify(aof, version, dest, "--until", until);
      assertEquals(0, r.exit(), r::toString);
      assertTrue(
          Files.readString(tmp.resolve("r.json")).contains("stopped by --until"),
          Files.readString(tmp.resolve("r.json")));

      // The whole AOF ends after the FLUSHALL: its state is not the destination's.
      r = verify(aof, version, dest);
      assertEquals(6, r.exit(), r::toString);
    }
  }

  /**
   * {@code aof --until-offset N} stops after N commands of a single file, and a Redis 6 oracle
   * loads the file cut there.
   */
  @Test
  void aSingleFileCutAtAnOffsetIsLoadedByARedis6Oracle() throws Exception {
    Path aof = AofServers.tenSets(Files.createTempDirectory(tmp, "aof-"), "k");
    try (RedisServer dest = RedisServer.start(RedisServer.launcher("redis-6.2.11"));
        Jedis got = dest.client()) {
      Tool.Result r =
          Run.of("aof", aof.toString(), "--until-offset", "4")
              .to(dest.uri())
              .outputsIn(tmp)
              .inProcess();
      assertEquals(0, r.exit(), r::toString);
      assertEquals(4, got.dbSize());
      assertTrue(got.exists("k3") && !got.exists("k4"));
      ReportAssert.of(tmp.resolve("r.json")).addsUp().has("aof_commands", 4);
      r = verify(aof.toString(), "redis-6.2.11", dest, "--until-offset", "4");
      assertEquals(0, r.exit(), r::toString);
      r = verify(aof.toString(), "redis-6.2.11", dest, "--until-offset", "5");
      assertEquals(6, r.exit(), r::toString);
      assertTrue(r.out().contains("k4"), r::toString);
    }
  }

  /** Whether the oracle whose copy is in {@code tmpdir} has been sent a SCAN. */
  private static boolean oracleScanned(Path tmpdir) throws Exception {
    try (Stream<Path> copies = Files.list(tmpdir)) {
      for (Path c : copies.toList()) {
        Path log = c.resolve("oracle.log");
        String text = Files.exists(log) ? Files.readString(log) : "";
        java.util.regex.Matcher port = java.util.regex.Pattern.compile("port=(\\d+)").matcher(text);
        if (text.contains("Ready to accept connections") && port.find()) {
          try (Jedis j = new Jedis("127.0.0.1", Integer.parseInt(port.group(1)))) {
            return j.info("commandstats").contains("cmdstat_scan");
          }
        }
      }
    }
    return false;
  }

  @Test
  void sigtermStopsTheOracleAndDeletesItsCopy() throws Exception {
    Path aof = AofServers.tenSets(Files.createTempDirectory(tmp, "aof-"), "k");
    Path tmpdir = Files.createDirectories(tmp.resolve("jvm-tmp"));
    try (RedisServer dest = RedisServer.start(RedisServer.launcher("redis-6.2.11"));
        JarRun run =
            Run.verify(aof.toString())
                .args("--oracle-server", binary("redis-6.2.11"))
                .to(dest.uri())
                // Ten keys at one a second: the signal comes while they are compared.
                .args("--max-rate", "1", "--scan-count", "1")
                .pipeline(1)
                .args("--progress", "never")
                .env(Map.of("RKM_JVM", "inherit"))
                .jar(tmp, List.of("-Djava.io.tmpdir=" + tmpdir))) {
      Await.until(
          "the comparison to read the oracle",
          Duration.ofSeconds(60),
          () -> {
            assertTrue(run.isAlive(), run::toString);
            return oracleScanned(tmpdir);
          });
      List<ProcessHandle> oracles = run.children();
      assertEquals(1, oracles.size(), run::toString);
      assertEquals(130, run.terminate(), run::toString);
      oracles.get(0).onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      try (Stream<Path> left = Files.list(tmpdir)) {
        assertEquals(List.of(), left.toList(), "the oracle's copy is deleted");
      }
    }
  }

  @Test
  void withoutAServerBinaryItIsExit2SayingWhatToInstall() throws Exception {
    Path aof = tmp.resolve("appendonly.aof");
    Files.writeString(aof, "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n");
    // The in-process run's environment has no PATH: no redis-server to be found.
    Tool.Result r = Run.verify(aof.toString()).to("redis://127.0.0.1:1").inProcess();
    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains("--oracle-server PATH"), r::toString);

    r =
        Run.verify(aof.toString())
            .args("--oracle-server", tmp.resolve("no-such-server").toString())
            .to("redis://127.0.0.1:1")
            .inProcess();
    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains("is not an executable file"), r::toString);

    r =
        Run.verify("redis://127.0.0.1:1")
            .args("--until-offset", "3")
            .to("redis://127.0.0.1:2")
            .inProcess();
    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains("AOF source only"), r::toString);
  }

  @Test
  void anAofTheOracleRefusesIsExit5WithTheLineItLogged() throws Exception {
    // Written by the redis-server on PATH, which is also the oracle found on PATH.
    Path dir = Files.createTempDirectory(tmp, "aof-");
    try (RedisServer source =
            RedisServer.startDebian("--appendonly", "yes", "--dir", dir.toString());
        Jedis j = source.client()) {
      j.set("a", "1");
    }
    Path aof = dir.resolve("appendonlydir");
    Path incr;
    try (Stream<Path> files = Files.list(aof)) {
      incr = files.filter(f -> f.toString().endsWith(".incr.aof")).findFirst().orElseThrow();
    }
    // Well formed, so our scan takes it; but no Redis knows the command.
    Files.writeString(
        incr,
        "*2\r\n$6\r\nNOSUCH\r\n$1\r\nx\r\n",
        StandardCharsets.US_ASCII,
        java.nio.file.StandardOpenOption.APPEND);
    long copiesBefore = oracleCopies();
    try (RedisServer dest = RedisServer.startDebian()) {
      Tool.Result r =
          Run.verify(aof.toString())
              .env(Map.of("PATH", System.getenv("PATH")))
              .to(dest.uri())
              .outputsIn(tmp)
              .inProcess();
      assertEquals(5, r.exit(), r::toString);
      assertTrue(r.err().contains("could not load it"), r::toString);
      assertTrue(r.err().toLowerCase().contains("unknown command"), r::toString);
      assertFalse(r.err().contains("Exception"), r::toString);
    }
    assertEquals(copiesBefore, oracleCopies(), "the oracle's copy is deleted");
  }
}
