package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.LocalCluster;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code verify} against a real three-master Redis Cluster destination: each key is read on the
 * master owning its slot, a changed key is found, and a db other than 0 is refused.
 */
class VerifyClusterIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final LocalCluster cluster = new LocalCluster();

  @TempDir Path tmp;

  private Tool.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--progress",
            "never",
            "--report",
            tmp.resolve("r.json").toString(),
            args[0].equals("verify") ? "--diff-file" : "--error-log",
            tmp.resolve(args[0].equals("verify") ? "diff.jsonl" : "e.log").toString()));
    return Tool.run(all.toArray(String[]::new));
  }

  private long field(String name) {
    return ReportAssert.of(tmp.resolve("r.json")).get(name);
  }

  private Path sample() {
    return SampleData.allTypesAndStrings(
        source.server(), "", "spread:", 300, tmp.resolve("sample.rdb"));
  }

  @Test
  void aMigrationIntoAClusterVerifiesCleanThenAChangedKeyIsFound() throws IOException {
    Path rdb = sample();
    Tool.Result migration = run("rdb", rdb.toString(), "--to", cluster.uri());
    assertEquals(0, migration.exit(), migration::toString);
    long keys = SampleData.ALL_TYPES_KEYS + 300;

    Tool.Result clean = run("verify", "--from", rdb.toString(), "--to", cluster.uri());
    assertEquals(0, clean.exit(), clean::toString);
    assertEquals(keys, field("identical"));
    // Every key read in chunks, each chunk on the key's own master: sized by MEMORY USAGE there,
    // so no DUMP at all.
    cluster
        .clients()
        .forEach(
            j -> {
              j.configResetStat();
              j.close();
            });
    Tool.Result chunked =
        run("verify", "--from", rdb.toString(), "--to", cluster.uri(), "--big-key-threshold", "0");
    assertEquals(0, chunked.exit(), chunked::toString);
    assertEquals(keys, field("identical"));
    for (Jedis j : cluster.clients()) {
      try (j) {
        String stats = j.info("commandstats");
        assertFalse(stats.contains("cmdstat_dump:"), stats);
        assertTrue(
            stats.contains("cmdstat_memory|usage:") || stats.contains("cmdstat_memory:"), stats);
        assertTrue(stats.contains("cmdstat_getrange:"), stats);
      }
    }
    Tool.Result live =
        run("verify", "--from", source.uri(), "--to", cluster.uri(), "--pipeline", "7");
    assertEquals(0, live.exit(), live::toString);
    assertEquals(keys, field("identical"));

    try (Jedis owner = cluster.clientFor("spread:17".getBytes(StandardCharsets.UTF_8))) {
      owner.set("spread:17", "changed at the destination");
    }
    Tool.Result dirty = run("verify", "--from", rdb.toString(), "--to", cluster.uri());
    assertEquals(6, dirty.exit(), dirty::toString);
    assertEquals(1, field("value_differs"));
    assertEquals(keys - 1, field("identical"));
    assertTrue(dirty.out().contains("db 0 \"spread:17\": value differs"), dirty::toString);
    String diff = Files.readString(tmp.resolve("diff.jsonl"));
    assertTrue(diff.contains("\"key\":\"spread:17\",\"outcome\":\"value_differs\""), diff);
  }

  @Test
  void aClusterDestinationHasDbZeroOnly() throws IOException {
    Path rdb = sample();
    Tool.Result r = run("verify", "--from", rdb.toString(), "--to", cluster.uri() + "/1");
    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains("Redis Cluster, which has db 0 only"), r::toString);

    try (Jedis s = source.server().client()) {
      s.select(1);
      s.set("in-db-1", "x");
    }
    Path twoDbs = source.server().saveTo(tmp.resolve("two.rdb"));
    Tool.Result mapped = run("verify", "--from", twoDbs.toString(), "--to", cluster.uri());
    assertEquals(3, mapped.exit(), mapped::toString);
    assertTrue(mapped.err().contains("map them to 0 with --db-map"), mapped::toString);
  }
}
