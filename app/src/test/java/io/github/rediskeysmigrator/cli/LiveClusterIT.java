package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.Dataset;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.LocalCluster;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The live modes from a real three-master cluster source: {@code scan --live} (one subscription per
 * master) and {@code sync} (one replication stream per master), each ended by {@code
 * --until-caught-up} once writes on every master have stopped.
 */
class LiveClusterIT {
  @RegisterExtension static final LocalCluster sourceCluster = new LocalCluster();

  /** Where the sample data is made before it is loaded into the cluster. */
  @RegisterExtension static final RedisServerExtension seed = RedisServerExtension.debian();

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @TempDir Path tmp;

  private JarRun run(String command, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                command,
                "--from",
                sourceCluster.uri(),
                "--to",
                dest.uri(),
                "--until-caught-up",
                "--idle",
                "1",
                "--report",
                tmp.resolve("r.json").toString(),
                "--error-log",
                tmp.resolve("e.log").toString(),
                "--progress",
                "never"));
    args.addAll(List.of(extra));
    return JarRun.start(tmp, Map.of(), args.toArray(String[]::new));
  }

  private static void load() {
    try (Jedis s = seed.server().client()) {
      SampleData.fillAllTypes(s, "");
      SampleData.fillStrings(s, "many:", 1000);
      sourceCluster.load(s);
    }
  }

  /** About 2 s of writes spread over every master: counters, appends, deletes, expiries. */
  private static void writeOnEveryMaster(JarRun run) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      byte[] counter = ("counter:" + (i % 30)).getBytes(StandardCharsets.UTF_8);
      byte[] log = ("log:" + (i % 30)).getBytes(StandardCharsets.UTF_8);
      byte[] gone = ("many:" + i).getBytes(StandardCharsets.UTF_8);
      byte[] brief = ("many:" + (500 + i)).getBytes(StandardCharsets.UTF_8);
      try (Jedis a = sourceCluster.clientFor(counter);
          Jedis b = sourceCluster.clientFor(log);
          Jedis c = sourceCluster.clientFor(gone);
          Jedis d = sourceCluster.clientFor(brief)) {
        a.incr(counter);
        b.append(log, ("," + i).getBytes(StandardCharsets.UTF_8));
        c.del(gone);
        d.pexpire(brief, 100);
      }
      Thread.sleep(10);
    }
    assertTrue(run.isAlive(), "still running while every master was written: " + run);
    Thread.sleep(300); // the last expiries fall due
  }

  private static Map<String, String> sourceData() {
    List<Jedis> clients = sourceCluster.clients();
    try {
      // Touch the keys whose expiry fell due, so the masters drop them as a client would see.
      for (int i = 0; i < 200; i++) {
        byte[] key = ("many:" + (500 + i)).getBytes(StandardCharsets.UTF_8);
        try (Jedis owner = sourceCluster.clientFor(key)) {
          owner.exists(key);
        }
      }
      return Dataset.of(clients);
    } finally {
      clients.forEach(Jedis::close);
    }
  }

  private static Map<String, String> destData() {
    try (Jedis d = dest.server().client()) {
      return Dataset.of(d);
    }
  }

  private Map<String, Object> report() throws Exception {
    return JsonText.object(Files.readString(tmp.resolve("r.json")));
  }

  /** Waits until the destination holds everything {@link #load} wrote. */
  private static void awaitLoaded(JarRun run, String what) throws InterruptedException {
    try (Jedis d = dest.server().client()) {
      Await.until(
          what, Duration.ofSeconds(60), run, () -> d.dbSize() == SampleData.ALL_TYPES_KEYS + 1000);
    }
  }

  @Test
  void scanLiveFollowsEveryMasterAndEndsOnceTheyAreAllQuiet() throws Exception {
    load();
    try (JarRun run = run("scan", "--live", "--enable-notifications")) {
      awaitLoaded(run, "the first pass");
      writeOnEveryMaster(run);
      assertEquals(0, run.waitFor(60), run::toString);
    }
    assertEquals(sourceData(), destData());
    Map<String, Object> r = report();
    assertTrue(((Number) r.get("live_updates")).longValue() >= 200, r::toString);
    assertTrue(((Number) r.get("live_deletes")).longValue() >= 200, r::toString);
    assertEquals(0L, ((Number) r.get("rescans")).longValue(), r::toString);
    assertEquals(0L, ((Number) r.get("errors")).longValue(), r::toString);
  }

  @Test
  void syncUntilCaughtUpEndsOnceEveryMastersStreamIsApplied() throws Exception {
    load();
    try (JarRun run = run("sync")) {
      awaitLoaded(run, "the snapshots");
      writeOnEveryMaster(run);
      assertEquals(0, run.waitFor(60), run::toString);
    }
    assertEquals(sourceData(), destData());
    Map<String, Object> r = report();
    assertEquals(Boolean.TRUE, r.get("caught_up"), r::toString);
    assertEquals(0L, ((Number) r.get("lag_bytes")).longValue(), r::toString);
    assertEquals(0L, ((Number) r.get("commands_failed")).longValue(), r::toString);
    assertTrue(((Number) r.get("commands_applied")).longValue() >= 800, r::toString);
  }
}
