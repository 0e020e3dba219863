package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.CheckpointFile;
import io.github.rediskeysmigrator.testing.Dataset;
import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.HalfMovedSlot;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.LocalCluster;
import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * A real three-master Valkey 9 cluster with {@code cluster-databases 16}, as destination and as
 * source: keys keep (or, with --db-map, change) their db and land on the master that owns their
 * slot; scan reads the dbs of --db on every master; verify reads each db; a db the cluster does not
 * have is refused with one line.
 */
class ValkeyClusterDbsIT {
  private static final String VALKEY = "valkey-9.1.2";
  private static final int[] DBS = {0, 1, 5};
  // Every type, 100 strings, and one key named alike in every db.
  private static final long PER_DB = SampleData.ALL_TYPES_KEYS + 100 + 1;

  @RegisterExtension
  static final LocalCluster cluster = LocalCluster.of(VALKEY, "--cluster-databases", "16");

  @RegisterExtension
  static final RedisServerExtension source =
      RedisServerExtension.shared(VALKEY, "--repl-diskless-sync-delay", "0");

  @RegisterExtension static final RedisServerExtension single = RedisServerExtension.shared(VALKEY);

  @TempDir Path tmp;

  /** Dbs 0, 1 and 5 of the source, saved to a file. */
  private Path threeDbs() {
    try (Jedis s = source.server().client()) {
      for (int db : DBS) {
        s.select(db);
        SampleData.fillAllTypes(s, "");
        SampleData.fillStrings(s, "spread:", 100);
        s.set("same", "in db " + db);
      }
    }
    return source.server().saveTo(tmp.resolve("three-dbs.rdb"));
  }

  private Tool.Result run(String... args) {
    return Run.of(args).outputsIn(tmp).inProcess();
  }

  private long field(String name) throws Exception {
    Object v = JsonText.object(Files.readString(tmp.resolve("r.json"))).get(name);
    assertTrue(v instanceof Number, () -> name + " in the report");
    return ((Number) v).longValue();
  }

  private static Map<String, String> dataset(RedisServerExtension server, int db) {
    try (Jedis j = server.server().client()) {
      j.select(db);
      return Dataset.of(j);
    }
  }

  private static Map<String, String> clusterDataset(int db) {
    List<Jedis> clients = cluster.clients();
    try {
      clients.forEach(j -> j.select(db));
      return Dataset.of(clients);
    } finally {
      clients.forEach(Jedis::close);
    }
  }

  /** Every key in db {@code db} of each master is in a slot that master owns. */
  private static void assertOnTheirOwners(int db) {
    for (RedisServer node : cluster.nodes()) {
      try (Jedis j = node.client()) {
        j.select(db);
        String id = j.clusterMyId();
        for (String hex : DatasetAssert.keys(j)) {
          try (Jedis owner = cluster.clientFor(HexFormat.of().parseHex(hex))) {
            assertEquals(owner.clusterMyId(), id, () -> "owner of " + hex + " in db " + db);
          }
        }
      }
    }
  }

  private static String sameOn(int db) {
    try (Jedis owner = cluster.clientFor("same".getBytes(StandardCharsets.UTF_8))) {
      owner.select(db);
      return owner.get("same");
    }
  }

  private static void assertOneLine(Tool.Result r, String expected) {
    assertEquals(2, r.exit(), r::toString);
    assertEquals(1, r.err().strip().lines().count(), r::toString);
    assertTrue(r.err().contains(expected), r::toString);
  }

  /** {@code verify --extra-keys} from {@code from} into {@code to}, outputs in tmp. */
  private Tool.Result verifyExtraKeys(String from, String to, String... more) {
    return Run.verify(from).to(to).args("--extra-keys").args(more).outputsIn(tmp).inProcess();
  }

  @Test
  void rdbKeepsEachDbOnTheMastersOwningTheSlotsAndVerifiesClean() throws Exception {
    Path file = threeDbs();

    Tool.Result r = Run.rdb(file).to(cluster.uri()).outputsIn(tmp).inProcess();

    assertEquals(0, r.exit(), r::toString);
    assertEquals(3 * PER_DB, field("written"));
    for (int db : DBS) {
      assertEquals(dataset(source, db), clusterDataset(db), "db " + db);
      assertOnTheirOwners(db);
      assertEquals("in db " + db, sameOn(db));
    }
    assertEquals(0, cluster.dbSize(2));

    Tool.Result verify = verifyExtraKeys(file.toString(), cluster.uri());
    assertEquals(0, verify.exit(), verify::toString);
    assertEquals(3 * PER_DB, field("identical"));

    // A key only at the destination, in db 5 of its master: found by the SCAN of that db.
    try (Jedis owner = cluster.clientFor("only-here".getBytes(StandardCharsets.UTF_8))) {
      owner.select(5);
      owner.set("only-here", "x");
    }
    Tool.Result extra = verifyExtraKeys(file.toString(), cluster.uri());
    assertEquals(6, extra.exit(), extra::toString);
    assertTrue(extra.out().contains("db 5 \"only-here\": extra at destination"), extra::toString);
  }

  @Test
  void dbMapPutsTheSelectedDbsIntoOthersOfTheCluster() throws Exception {
    Path file = threeDbs();
    String[] selection = {"--db", "1,5", "--db-map", "1=7,5=15"};

    List<String> args = new ArrayList<>(List.of("rdb", file.toString(), "--to", cluster.uri()));
    args.addAll(List.of(selection));
    Tool.Result r = run(args.toArray(String[]::new));

    assertEquals(0, r.exit(), r::toString);
    assertEquals(2 * PER_DB, field("written"));
    assertEquals(PER_DB, field("filtered"));
    assertEquals(dataset(source, 1), clusterDataset(7));
    assertEquals(dataset(source, 5), clusterDataset(15));
    assertOnTheirOwners(7);
    assertOnTheirOwners(15);
    assertEquals("in db 5", sameOn(15));
    for (int db : DBS) {
      assertEquals(0, cluster.dbSize(db), "db " + db);
    }

    List<String> check =
        new ArrayList<>(List.of("verify", "--from", file.toString(), "--to", cluster.uri()));
    check.addAll(List.of(selection));
    Tool.Result verify = run(check.toArray(String[]::new));
    assertEquals(0, verify.exit(), verify::toString);
    assertEquals(2 * PER_DB, field("identical"));
  }

  /**
   * Keys of dbs 1 and 5 in a slot being moved: the owner answers ASK, and each goes at once to the
   * importing node, in its db (SELECT before ASKING), instead of waiting out the redirect rounds.
   */
  @Test
  void keysOfAnotherDbInASlotBeingMovedGoToTheImportingNodeWithAsking() throws Exception {
    try (HalfMovedSlot moving = HalfMovedSlot.of(cluster)) {
      try (Jedis s = source.server().client()) {
        for (int db : new int[] {1, 5}) {
          s.select(db);
          SampleData.fillStrings(s, moving.tag + ":moving:", 100);
          SampleData.fillStrings(s, "elsewhere:", 100);
        }
      }
      Path file = source.server().saveTo(tmp.resolve("moving.rdb"));
      long started = System.nanoTime();

      Tool.Result r = Run.rdb(file).to(cluster.uri()).outputsIn(tmp).inProcess();

      long millis = (System.nanoTime() - started) / 1_000_000;
      assertEquals(0, r.exit(), r::toString);
      assertEquals(400, field("written"));
      for (int db : new int[] {1, 5}) {
        assertEquals(0, moving.keysAt(moving.owner, db), "db " + db);
        assertEquals(100, moving.keysAt(moving.importing, db), "db " + db);
      }
      // Without ASKING the keys would wait out the redirect rounds (about 11 s), then fail.
      assertTrue(millis < 8_000, "took " + millis + " ms");
    }
    assertEquals(dataset(source, 1), clusterDataset(1));
    assertEquals(dataset(source, 5), clusterDataset(5));
  }

  @Test
  void scanReadsTheDbsOfDbOnEveryMasterIntoASingleNode() throws Exception {
    Path file = threeDbs();
    assertEquals(0, Run.rdb(file).to(cluster.uri()).outputsIn(tmp).inProcess().exit());

    Tool.Result one =
        Run.scan(cluster.uri()).args("--db", "1").to(single.uri()).outputsIn(tmp).inProcess();

    assertEquals(0, one.exit(), one::toString);
    assertEquals(PER_DB, field("written"));
    assertEquals(dataset(source, 1), dataset(single, 1));
    assertEquals(Map.of(), dataset(single, 0));
    assertEquals(Map.of(), dataset(single, 5));
    Tool.Result verifyOne =
        Run.verify(file.toString()).args("--db", "1").to(single.uri()).outputsIn(tmp).inProcess();
    assertEquals(0, verifyOne.exit(), verifyOne::toString);
    assertEquals(PER_DB, field("identical"));

    single.server().flushAll();
    Tool.Result all =
        Run.scan(cluster.uri()).args("--db", "0,1,5").to(single.uri()).outputsIn(tmp).inProcess();

    assertEquals(0, all.exit(), all::toString);
    assertEquals(3 * PER_DB, field("written"));
    for (int db : DBS) {
      assertEquals(dataset(source, db), dataset(single, db), "db " + db);
    }
    Tool.Result verifyAll = Run.verify(file.toString()).to(single.uri()).outputsIn(tmp).inProcess();
    assertEquals(0, verifyAll.exit(), verifyAll::toString);
    assertEquals(3 * PER_DB, field("identical"));
  }

  @Test
  void syncFromTheClusterReadsEveryDbOfEachMastersSnapshot() throws Exception {
    Path file = threeDbs();
    assertEquals(0, Run.rdb(file).to(cluster.uri()).outputsIn(tmp).inProcess().exit());

    Tool.Result r =
        run(
            "sync",
            "--snapshot-only",
            "--from",
            cluster.uri(),
            "--to",
            single.uri(),
            "--db",
            "1,5",
            "--db-map",
            "5=2");

    assertEquals(0, r.exit(), r::toString);
    assertEquals(2 * PER_DB, field("written"));
    assertEquals(PER_DB, field("filtered"));
    assertEquals(dataset(source, 1), dataset(single, 1));
    assertEquals(dataset(source, 5), dataset(single, 2));
    assertEquals(Map.of(), dataset(single, 0));
    assertEquals(Map.of(), dataset(single, 5));
  }

  @Test
  void aDbTheClusterDoesNotHaveIsRefusedWithOneLine() throws Exception {
    Path file = threeDbs();
    String has = "dbs 0 to 15 (cluster-databases 16)";

    assertOneLine(
        Run.rdb(file).to(cluster.uri()).args("--db-map", "1=16").outputsIn(tmp).inProcess(),
        "--db-map 1=16 maps to db 16");
    assertOneLine(Run.rdb(file).to(cluster.uri() + "/20").outputsIn(tmp).inProcess(), has);
    assertOneLine(
        Run.scan(cluster.uri()).args("--db", "0,16").to(single.uri()).outputsIn(tmp).inProcess(),
        "db 16 is not one of them");
    assertOneLine(
        Run.verify(file.toString()).to(cluster.uri() + "/16").outputsIn(tmp).inProcess(), has);
    assertEquals(0, cluster.dbSize(0) + cluster.dbSize(1) + cluster.dbSize(5));
  }

  /**
   * sync from a single node into the cluster: the snapshot's dbs, then live commands in dbs 1 and
   * 5, a transaction switching dbs in one slot, and a FLUSHDB of one db on every master.
   */
  @Test
  void syncAppliesLiveCommandsOfEachDbOnTheirMasters() throws Exception {
    threeDbs();
    try (JarRun run =
        Run.sync(source.uri())
            .to(cluster.uri())
            .checkpoint(tmp.resolve("checkpoint"))
            .outputsIn(tmp)
            .jar(tmp)) {
      Await.until("the snapshot", Duration.ofSeconds(30), () -> checkpointOffset() >= 0);
      try (Jedis s = source.server().client()) {
        s.select(1);
        for (int i = 0; i < 100; i++) {
          s.incr("counter:" + (i % 10));
        }
        s.del("spread:1", "spread:2", "nothing");
        s.select(5);
        s.set("live", "in db 5");
        s.flushDB();
        s.set("after-flush", "x");
        s.select(1);
        // Jedis's transactions have no SELECT: the commands as the source's client sends them.
        s.sendCommand(Protocol.Command.MULTI);
        s.sendCommand(Protocol.Command.SET, "{t}a", "1");
        s.sendCommand(Protocol.Command.SELECT, "5");
        s.sendCommand(Protocol.Command.RPUSH, "{t}b", "x", "y");
        s.sendCommand(Protocol.Command.EXEC);
      }
      long target = sourceOffset();
      Await.until(
          "checkpoint at " + target, Duration.ofSeconds(30), () -> checkpointOffset() >= target);
      for (int db : DBS) {
        assertEquals(dataset(source, db), clusterDataset(db), "db " + db);
      }
      assertEquals(130, run.terminate(), run::toString);
    }
    assertEquals(3 * PER_DB, field("written"));
    assertEquals(0, field("commands_failed"));
    assertTrue(field("commands_applied") >= 100, "commands applied");
  }

  private long checkpointOffset() {
    return CheckpointFile.offset(tmp.resolve("checkpoint"));
  }

  private static long sourceOffset() {
    return source.server().replicationOffset();
  }
}
