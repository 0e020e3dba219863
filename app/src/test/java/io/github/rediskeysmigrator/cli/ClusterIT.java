package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.LocalCluster;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** A real three-master Redis Cluster as the destination. */
class ClusterIT {
  @RegisterExtension static final LocalCluster cluster = new LocalCluster();
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();

  @RegisterExtension
  static final RedisServerExtension redis72 = RedisServerExtension.shared("redis-7.2.6");

  @TempDir Path tmp;

  /** Every source key is on the master owning its slot, with the same type, value and expiry. */
  private void assertClusterHoldsTheSource() {
    try (Jedis s = source.server().client()) {
      long keys = 0;
      for (String hex : DatasetAssert.keys(s)) {
        byte[] key = HexFormat.of().parseHex(hex);
        keys++;
        try (Jedis owner = cluster.clientFor(key)) {
          assertEquals(s.type(key), owner.type(key), hex);
          assertEquals(DatasetAssert.expireTime(s, key), DatasetAssert.expireTime(owner, key), hex);
          if (!s.type(key).equals("set") && !s.type(key).equals("hash")) {
            assertEquals(
                HexFormat.of().formatHex(s.dump(key)),
                HexFormat.of().formatHex(owner.dump(key)),
                hex);
          }
        }
      }
      assertEquals(keys, cluster.dbSize());
    }
  }

  @Test
  void aNewerFileIsRewrittenOnEachMasterWhateverBracesItsKeysHave() throws Exception {
    java.util.List<String> braced = java.util.List.of("a}{b", "{}x", "{tag}k", "x{y", "}{", "{");
    try (Jedis s = redis72.server().client()) {
      SampleData.fillAllTypes(s, "");
      for (String k : braced) {
        s.rpush(k, "v1", "v2");
      }
    }
    Path file = redis72.server().saveTo(tmp.resolve("v11.rdb"));
    Path report = tmp.resolve("r.json");

    Tool.Result r =
        Tool.run(
            "rdb",
            file.toString(),
            "--to",
            cluster.uri(),
            "--report",
            report.toString(),
            "--error-log",
            tmp.resolve("e.log").toString());

    assertEquals(0, r.exit(), r::toString);
    String json = Files.readString(report);
    long keys = SampleData.ALL_TYPES_KEYS + braced.size();
    assertTrue(json.contains("\"rewritten\":" + keys + ","), json);
    assertEquals(keys, cluster.dbSize(), "no temporary key is left behind");
    try (Jedis s = redis72.server().client()) {
      for (String hex : DatasetAssert.keys(s)) {
        byte[] key = HexFormat.of().parseHex(hex);
        try (Jedis owner = cluster.clientFor(key)) {
          assertEquals(s.type(key), owner.type(key), hex);
          assertEquals(DatasetAssert.expireTime(s, key), DatasetAssert.expireTime(owner, key), hex);
        }
      }
      for (String k : braced) {
        try (Jedis owner = cluster.clientFor(k.getBytes())) {
          assertEquals(java.util.List.of("v1", "v2"), owner.lrange(k, 0, -1), k);
        }
      }
      try (Jedis owner = cluster.clientFor("hash:big".getBytes())) {
        assertEquals(s.hgetAll("hash:big"), owner.hgetAll("hash:big"));
      }
    }
  }

  @Test
  void rdbSpreadsKeysOverTheMastersByHashSlot() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "");
      SampleData.fillAllTypes(s, "{tagged}:");
      SampleData.fillStrings(s, "many:", 3000);
    }
    Path file = source.server().saveTo(tmp.resolve("d.rdb"));

    Tool.Result r =
        Tool.run(
            "rdb",
            file.toString(),
            "--to",
            cluster.uri(),
            "--report",
            tmp.resolve("r.json").toString(),
            "--error-log",
            tmp.resolve("e.log").toString());

    assertEquals(0, r.exit(), r::toString);
    assertClusterHoldsTheSource();
    for (var node : cluster.nodes()) {
      try (Jedis j = node.client()) {
        assertTrue(j.dbSize() > 500, "every master got a share");
      }
    }
    Tool.Result again =
        Tool.run(
            "rdb",
            file.toString(),
            "--to",
            cluster.uri(),
            "--report",
            tmp.resolve("r.json").toString(),
            "--error-log",
            tmp.resolve("e.log").toString());
    assertEquals(0, again.exit(), again::toString);
    assertTrue(
        Files.readString(tmp.resolve("r.json"))
            .contains("\"skipped_existing\":" + (2 * SampleData.ALL_TYPES_KEYS + 3000) + ","));
  }

  @Test
  void scanFromASingleNodeIntoTheCluster() {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "");
      SampleData.fillStrings(s, "many:", 2000);
    }

    Tool.Result r =
        Tool.run(
            "scan",
            "--from",
            source.uri(),
            "--to",
            cluster.uri(),
            "--error-log",
            tmp.resolve("e.log").toString());

    assertEquals(0, r.exit(), r::toString);
    assertClusterHoldsTheSource();
  }

  @Test
  void slotsResharedDuringTheRunLoseNothing() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "many:", 20_000);
    }
    Path file = source.server().saveTo(tmp.resolve("d.rdb"));
    String from;
    String to;
    try (Jedis a = cluster.nodes().get(0).client();
        Jedis b = cluster.nodes().get(1).client()) {
      from = a.clusterMyId();
      to = b.clusterMyId();
    }
    Tool.Result[] result = new Tool.Result[1];
    Thread run =
        new Thread(
            () ->
                result[0] =
                    Tool.run(
                        "rdb",
                        file.toString(),
                        "--to",
                        cluster.uri(),
                        "--max-rate",
                        "6000",
                        "--pipeline",
                        "100",
                        "--report",
                        tmp.resolve("r.json").toString(),
                        "--error-log",
                        tmp.resolve("e.log").toString()));
    run.start();
    Thread.sleep(800);
    Process reshard =
        new ProcessBuilder(
                "redis-cli",
                "--cluster",
                "reshard",
                "127.0.0.1:" + cluster.nodes().get(0).port(),
                "--cluster-from",
                from,
                "--cluster-to",
                to,
                "--cluster-slots",
                "2000",
                "--cluster-yes",
                "--cluster-pipeline",
                "50")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("reshard.log").toFile())
            .start();
    assertTrue(reshard.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, reshard.exitValue(), Files.readString(tmp.resolve("reshard.log")));
    run.join();

    assertEquals(0, result[0].exit(), result[0]::toString);
    String json = Files.readString(tmp.resolve("r.json"));
    assertTrue(json.contains("\"written\":20000,"), json);
    assertEquals(20_000, cluster.dbSize());
  }

  @Test
  void otherDbsMustBeFoldedIntoDbZero() throws Exception {
    try (Jedis s = source.server().client()) {
      s.set("zero", "0");
      s.select(1);
      s.set("one", "1");
    }
    Path file = source.server().saveTo(tmp.resolve("d.rdb"));

    Tool.Result unmapped =
        Tool.run(
            "rdb",
            file.toString(),
            "--to",
            cluster.uri(),
            "--error-log",
            tmp.resolve("e.log").toString());
    assertEquals(1, unmapped.exit(), unmapped::toString);
    assertTrue(Files.readString(tmp.resolve("e.log")).contains("--db-map 1=0"));

    Tool.Result mapped =
        Tool.run(
            "rdb",
            file.toString(),
            "--to",
            cluster.uri(),
            "--db-map",
            "1=0",
            "--error-log",
            tmp.resolve("e.log").toString());
    assertEquals(0, mapped.exit(), mapped::toString);
    assertEquals(2, cluster.dbSize());

    Tool.Result withDb =
        Tool.run(
            "rdb",
            file.toString(),
            "--to",
            cluster.uri() + "/3",
            "--error-log",
            tmp.resolve("e.log").toString());
    assertEquals(2, withDb.exit(), withDb::toString);
    assertTrue(withDb.err().contains("db 0 only"), withDb.err());
  }
}
