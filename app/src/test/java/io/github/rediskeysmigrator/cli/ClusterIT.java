package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.Dataset;
import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.HalfMovedSlot;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.LocalCluster;
import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import io.github.rediskeysmigrator.testing.SampleData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Real three-master Redis Clusters as destination and as source. */
class ClusterIT {
  @RegisterExtension static final LocalCluster cluster = new LocalCluster();
  @RegisterExtension static final LocalCluster sourceCluster = new LocalCluster();

  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.syncSource();

  @RegisterExtension static final RedisServerExtension single = RedisServerExtension.debian();

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
        // Streams of 7.2 (type 21), which the 7.0 cluster does not read: rewritten as commands
        // under a temporary key in the key's own slot, then renamed.
        s.xadd(k, redis.clients.jedis.params.XAddParams.xAddParams(), java.util.Map.of("v", "1"));
      }
    }
    Path file = redis72.server().saveTo(tmp.resolve("v11.rdb"));
    Path report = tmp.resolve("r.json");

    Tool.Result r = rdbIntoCluster(file);

    assertEquals(0, r.exit(), r::toString);
    String json = Files.readString(report);
    long keys = SampleData.ALL_TYPES_KEYS + braced.size();
    // The braced streams, set:small (in plain encodings) and the two streams are rewritten; the
    // rest is restamped.
    long rewritten = braced.size() + 3;
    assertTrue(json.contains("\"rewritten\":" + rewritten + ","), json);
    assertTrue(json.contains("\"restamped\":" + (keys - rewritten) + ","), json);
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
          assertEquals(
              java.util.List.of(java.util.Map.of("v", "1")),
              owner.xrange(k, "-", "+").stream().map(e -> e.getFields()).toList(),
              k);
        }
      }
      try (Jedis owner = cluster.clientFor("hash:big".getBytes())) {
        assertEquals(s.hgetAll("hash:big"), owner.hgetAll("hash:big"));
      }
    }
  }

  /** Every type and {@code strings} strings, loaded into the source cluster. */
  private static void loadSourceCluster(int strings) {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "");
      SampleData.fillStrings(s, "many:", strings);
      sourceCluster.load(s);
    }
  }

  /** Every type twice (once in one hash slot) and 3000 strings over all the slots. */
  private static void fillSample(Jedis s) {
    SampleData.fillAllTypes(s, "");
    SampleData.fillAllTypes(s, "{tagged}:");
    SampleData.fillStrings(s, "many:", 3000);
  }

  @Test
  void rdbSpreadsKeysOverTheMastersByHashSlot() throws Exception {
    try (Jedis s = source.server().client()) {
      fillSample(s);
    }
    Path file = source.server().saveTo(tmp.resolve("d.rdb"));

    Tool.Result r = rdbIntoCluster(file);

    assertEquals(0, r.exit(), r::toString);
    assertClusterHoldsTheSource();
    for (var node : cluster.nodes()) {
      try (Jedis j = node.client()) {
        assertTrue(j.dbSize() > 500, "every master got a share");
      }
    }
    Tool.Result again = rdbIntoCluster(file);
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
        Run.scan(source.uri()).to(cluster.uri()).errorLog(tmp.resolve("e.log")).inProcess();

    assertEquals(0, r.exit(), r::toString);
    assertClusterHoldsTheSource();
  }

  @Test
  void slotsResharedDuringTheRunLoseNothing() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "many:", 20_000);
    }
    Path file = source.server().saveTo(tmp.resolve("d.rdb"));
    Run.Background run =
        Run.rdb(file)
            .to(cluster.uri())
            .args("--max-rate", "6000")
            .pipeline(100)
            .report(tmp.resolve("r.json"))
            .errorLog(tmp.resolve("e.log"))
            .inBackground();
    // The reshard starts once the run is writing, to meet it mid-run (at 6000 keys/s, about 3 s).
    Await.until("the run's first keys", Duration.ofSeconds(60), () -> cluster.dbSize() > 0);
    Process reshard = reshard(1, 2000);
    assertReshardDone(reshard);
    Tool.Result r = run.join(300);

    assertEquals(0, r.exit(), r::toString);
    String json = Files.readString(tmp.resolve("r.json"));
    assertTrue(json.contains("\"written\":20000,"), json);
    assertEquals(20_000, cluster.dbSize());
  }

  /**
   * The new keys of a slot being moved are answered with ASK, and go to the importing node with
   * ASKING, at once, instead of waiting for the move to end.
   */
  @Test
  void keysOfASlotBeingMovedGoToTheImportingNodeWithAsking() throws Exception {
    HalfMovedSlot moving = HalfMovedSlot.of(cluster);
    try (moving) {
      try (Jedis s = source.server().client()) {
        SampleData.fillStrings(s, moving.tag + ":moving:", 300);
        SampleData.fillStrings(s, "elsewhere:", 300);
      }
      Path file = source.server().saveTo(tmp.resolve("d.rdb"));
      long started = System.nanoTime();
      Tool.Result r = rdbIntoCluster(file);
      long millis = (System.nanoTime() - started) / 1_000_000;

      assertEquals(0, r.exit(), r::toString);
      assertAccounted(tmp.resolve("r.json"), 600);
      assertEquals(0, moving.keysAt(moving.owner, 0));
      assertEquals(300, moving.keysAt(moving.importing, 0));
      // Without ASKING the keys would wait out the redirect rounds (about 11 s), then fail.
      assertTrue(millis < 8_000, "took " + millis + " ms");
    }
    assertEquals(dataset(source), dataset(cluster));
  }

  /**
   * Live commands on one key, and transactions, in a slot being moved go to the importing node with
   * ASKING.
   */
  @Test
  void liveCommandsOnASlotBeingMovedGoToTheImportingNodeWithAsking() throws Exception {
    HalfMovedSlot moving = HalfMovedSlot.of(cluster);
    String t = moving.tag;
    try (moving) {
      try (Jedis s = source.server().client()) {
        s.flushAll();
        SampleData.fillStrings(s, t + ":snapshot:", 50);
        SampleData.fillStrings(s, "elsewhere:", 50);
      }
      try (JarRun run = sync(source.uri(), cluster.uri())) {
        awaitSnapshot();
        try (Jedis s = source.server().client()) {
          for (int i = 0; i < 200; i++) {
            s.set(t + ":live:" + i, "v" + i);
            s.incr(t + ":counter");
            s.rpush(t + ":list", String.valueOf(i));
            s.append(t + ":snapshot:" + (i % 50), "+" + i);
            s.incr("elsewhere:counter");
          }
          s.del(t + ":live:7");
          s.pexpire(t + ":live:8", 3_600_000);
          // Transactions on one key of that slot: the owner answers EXEC with ASK, and ASKING
          // holds for the whole MULTI ... EXEC at the importing node. (Over several keys not
          // all there yet, both nodes answer TRYAGAIN until the move ends.)
          for (int i = 0; i < 20; i++) {
            var tx = s.multi();
            tx.incr(t + ":tx-counter");
            tx.incrBy(t + ":tx-counter", 2);
            tx.exec();
          }
        }
        long target = sourceOffset();
        long started = System.nanoTime();
        Await.until(
            "checkpoint at " + target,
            Duration.ofSeconds(60),
            () -> checkpointOffsets().getOrDefault("", -1L) >= target);
        long millis = (System.nanoTime() - started) / 1_000_000;
        // Without ASKING each command would wait out the redirect rounds, then fail.
        assertTrue(millis < 8_000, "caught up after " + millis + " ms");
        assertEquals(0, moving.keysAt(moving.owner, 0));
        // 50 snapshot keys, 199 live keys, the counter, the list, and the transactions' key.
        assertEquals(
            252,
            moving.keysAt(moving.importing, 0),
            () -> {
              try {
                return Files.readString(tmp.resolve("e.log"));
              } catch (java.io.IOException e) {
                return e.toString();
              }
            });
        assertEquals(130, run.terminate(), run::toString);
      }
    }
    assertEquals(dataset(source), dataset(cluster));
    Map<String, Object> r = assertAccounted(tmp.resolve("r.json"), 100);
    assertEquals(0L, n(r, "commands_failed"), r::toString);
    assertEquals(0L, n(r, "errors"), r::toString);
  }

  /** One range of a CLUSTER SLOTS reply: its slots and the port of their master. */
  private record SlotRange(int start, int end, int port) {}

  private static List<SlotRange> slotRanges(Jedis node) {
    List<SlotRange> ranges = new ArrayList<>();
    for (Object r : node.clusterSlots()) {
      List<?> range = (List<?>) r;
      ranges.add(
          new SlotRange(
              ((Long) range.get(0)).intValue(),
              ((Long) range.get(1)).intValue(),
              ((Long) ((List<?>) range.get(2)).get(1)).intValue()));
    }
    return ranges;
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
        Run.rdb(file).to(cluster.uri()).errorLog(tmp.resolve("e.log")).inProcess();
    assertEquals(1, unmapped.exit(), unmapped::toString);
    assertTrue(Files.readString(tmp.resolve("e.log")).contains("--db-map 1=0"));

    Tool.Result mapped =
        Run.rdb(file)
            .to(cluster.uri())
            .args("--db-map", "1=0")
            .errorLog(tmp.resolve("e.log"))
            .inProcess();
    assertEquals(0, mapped.exit(), mapped::toString);
    assertEquals(2, cluster.dbSize());

    Tool.Result withDb =
        Run.rdb(file).to(cluster.uri() + "/3").errorLog(tmp.resolve("e.log")).inProcess();
    assertEquals(2, withDb.exit(), withDb::toString);
    assertTrue(withDb.err().contains("db 0 only"), withDb.err());

    // Mapped or selected into another db: refused at start, with one line, nothing written.
    cluster.nodes().forEach(RedisServer::flushAll);
    for (String[] choice : List.of(new String[] {"--db-map", "0=1"}, new String[] {"--db", "1"})) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "rdb",
                  file.toString(),
                  "--to",
                  cluster.uri(),
                  "--error-log",
                  tmp.resolve("e.log").toString()));
      args.addAll(List.of(choice));
      Tool.Result refused = Tool.run(args.toArray(String[]::new));
      assertEquals(2, refused.exit(), refused::toString);
      assertEquals(1, refused.err().strip().lines().count(), refused::toString);
      assertTrue(
          refused.err().contains("the destination is a Redis Cluster, which has db 0 only"),
          refused::toString);
    }
    assertEquals(0, cluster.dbSize());
  }

  /** {@code rdb FILE} into the cluster, with the report in r.json and the error log in e.log. */
  private Tool.Result rdbIntoCluster(Path file) {
    return Run.rdb(file)
        .to(cluster.uri())
        .report(tmp.resolve("r.json"))
        .errorLog(tmp.resolve("e.log"))
        .inProcess();
  }

  private static Map<String, String> dataset(LocalCluster c) {
    return Dataset.of(c);
  }

  private static Map<String, String> dataset(RedisServerExtension server) {
    try (Jedis j = server.server().client()) {
      return Dataset.of(j);
    }
  }

  /** The report adds up, and holds {@code written} keys written. */
  private static Map<String, Object> assertAccounted(Path report, long written) throws Exception {
    ReportAssert.of(report).addsUp().has("written", written);
    return JsonText.object(Files.readString(report));
  }

  private static long n(Map<String, Object> r, String field) {
    return ((Number) r.get(field)).longValue();
  }

  @Test
  void rdbShardFilesReadInParallelIntoTheCluster() throws Exception {
    Map<String, String> expected = new TreeMap<>();
    List<String> files = new ArrayList<>();
    for (String shard : List.of("a", "b", "c")) {
      try (Jedis s = source.server().client()) {
        s.flushAll();
        SampleData.fillAllTypes(s, shard + ":");
        SampleData.fillStrings(s, shard + ":many:", 2000);
        expected.putAll(Dataset.of(s));
      }
      files.add(source.server().saveTo(tmp.resolve(shard + ".rdb")).toString());
    }
    List<String> args = new ArrayList<>(List.of("rdb"));
    args.addAll(files);
    args.addAll(
        List.of(
            "--parallel",
            "3",
            "--to",
            cluster.uri(),
            "--report",
            tmp.resolve("r.json").toString(),
            "--error-log",
            tmp.resolve("e.log").toString()));

    Tool.Result r = Tool.run(args.toArray(String[]::new));

    assertEquals(0, r.exit(), r::toString);
    assertEquals(expected, dataset(cluster));
    assertAccounted(tmp.resolve("r.json"), expected.size());

    Tool.Result writers = Tool.run("rdb", files.get(0), "--writers", "2", "--to", cluster.uri());
    assertEquals(2, writers.exit(), writers::toString);
    assertTrue(writers.err().contains("one connection per master"), writers.err());
    Tool.Result none = Tool.run("rdb", files.get(0), "--parallel", "0", "--to", cluster.uri());
    assertEquals(2, none.exit(), none::toString);
  }

  @Test
  void scanFromAClusterIntoAClusterAndIntoASingleNode() throws Exception {
    try (Jedis s = source.server().client()) {
      fillSample(s);
      sourceCluster.load(s);
    }
    Map<String, String> expected = dataset(sourceCluster);
    assertEquals(2 * SampleData.ALL_TYPES_KEYS + 3000, expected.size());

    Tool.Result intoCluster = scanSourceCluster(Map.of(), cluster.uri(), "r.json");
    assertEquals(0, intoCluster.exit(), intoCluster::toString);
    assertEquals(expected, dataset(cluster));
    assertAccounted(tmp.resolve("r.json"), expected.size());

    Tool.Result intoNode = scanSourceCluster(Map.of(), single.uri(), "r2.json");
    assertEquals(0, intoNode.exit(), intoNode::toString);
    assertEquals(expected, dataset(single));
    assertAccounted(tmp.resolve("r2.json"), expected.size());

    Tool.Result otherDb =
        Run.scan(sourceCluster.uri()).args("--db", "1").to(single.uri()).inProcess();
    assertEquals(2, otherDb.exit(), otherDb::toString);
  }

  /** {@code scan} of the source cluster into {@code to}, the report in {@code report}. */
  private Tool.Result scanSourceCluster(Map<String, String> env, String to, String report) {
    return Run.scan(sourceCluster.uri())
        .to(to)
        .report(tmp.resolve(report))
        .errorLog(tmp.resolve("e.log"))
        .env(env)
        .inProcess();
  }

  /** The source cluster's nodes in the order of the lowest hash slot each owns. */
  private static List<RedisServer> sourceMastersBySlot() {
    Map<Integer, Integer> lowest = new java.util.HashMap<>();
    try (Jedis j = sourceCluster.nodes().get(0).client()) {
      for (SlotRange r : slotRanges(j)) {
        lowest.merge(r.port(), r.start(), Math::min);
      }
    }
    List<RedisServer> masters = new ArrayList<>(sourceCluster.nodes());
    masters.removeIf(n -> !lowest.containsKey(n.port()));
    masters.sort(java.util.Comparator.comparing(n -> lowest.get(n.port())));
    return masters;
  }

  @Test
  void shardIndexTakesOneMasterOfAClusterSourceInScanAndSync() throws Exception {
    loadSourceCluster(3000);
    List<RedisServer> masters = sourceMastersBySlot();
    assertEquals(3, masters.size());
    Map<String, String> union = new TreeMap<>();
    for (int i = 0; i < masters.size(); i++) {
      Map<String, String> own;
      try (Jedis m = masters.get(i).client()) {
        own = Dataset.of(m);
      }
      assertTrue(own.size() > 500, "master " + i + " holds " + own.size() + " keys");

      // scan, the index from JOB_COMPLETION_INDEX as in a Kubernetes Indexed Job.
      single.server().flushAll();
      Tool.Result scan =
          scanSourceCluster(
              Map.of("JOB_COMPLETION_INDEX", String.valueOf(i)), single.uri(), "scan-{index}.json");
      assertEquals(0, scan.exit(), scan::toString);
      assertTrue(
          scan.err()
              .contains(
                  "shard "
                      + i
                      + " of 3 (from JOB_COMPLETION_INDEX): redis://127.0.0.1:"
                      + masters.get(i).port()),
          scan.err());
      assertEquals(own, dataset(single));
      assertAccounted(tmp.resolve("scan-" + i + ".json"), own.size());

      // sync, the index as an option, into the cluster; one checkpoint file per index.
      cluster.nodes().forEach(RedisServer::flushAll);
      try (JarRun sync =
          Run.sync(sourceCluster.uri())
              .to(cluster.uri())
              .args("--shard-index", String.valueOf(i), "--snapshot-only")
              .checkpoint(tmp.resolve("ck-{index}"))
              .report(tmp.resolve("sync-{index}.json"))
              .errorLog(tmp.resolve("e.log"))
              .jar(tmp)) {
        assertEquals(0, sync.waitFor(60), sync::toString);
      }
      assertEquals(own, dataset(cluster));
      assertAccounted(tmp.resolve("sync-" + i + ".json"), own.size());
      assertTrue(Files.exists(tmp.resolve("ck-" + i)), "checkpoint ck-" + i);
      union.putAll(own);
    }
    assertEquals(dataset(sourceCluster), union);

    assertShardIndexRefused(
        sourceCluster.uri(), 3, "--shard-index 3 is out of range: 3 masters in the cluster");
    assertShardIndexRefused(
        source.uri(), 1, "1 master (the source is not a cluster) (indexes 0 to 0)");
  }

  /** A scan of {@code from} with this --shard-index is a usage error that says {@code why}. */
  private static void assertShardIndexRefused(String from, int index, String why) {
    Tool.Result r =
        Run.scan(from).to(single.uri()).args("--shard-index", String.valueOf(index)).inProcess();
    assertEquals(2, r.exit(), r::toString);
    assertTrue(r.err().contains(why), r.err());
  }

  private JarRun sync(String from, String to) {
    return Run.sync(from).to(to).checkpoint(tmp.resolve("checkpoint")).outputsIn(tmp).jar(tmp);
  }

  /** Offsets in the checkpoint file: "" for a single source, else by master address. */
  private Map<String, Long> checkpointOffsets() {
    Map<String, Long> offsets = new TreeMap<>();
    try (var in = Files.newBufferedReader(tmp.resolve("checkpoint"))) {
      Properties p = new Properties();
      p.load(in);
      for (String name : p.stringPropertyNames()) {
        if (name.equals("offset")) {
          offsets.put("", Long.parseLong(p.getProperty(name)));
        } else if (name.startsWith("master.")) {
          String[] parts = p.getProperty(name).split(" ");
          offsets.put(parts[0], Long.parseLong(parts[2]));
        }
      }
    } catch (Exception e) {
      // not written yet, or being replaced
    }
    return offsets;
  }

  private long sourceOffset() {
    return source.server().replicationOffset();
  }

  @Test
  void syncFromAClusterWithLiveWritesOnEveryMaster() throws Exception {
    loadSourceCluster(1000);
    try (JarRun run = sync(sourceCluster.uri(), single.uri())) {
      Await.until(
          "a checkpoint for each master",
          Duration.ofSeconds(60),
          () -> checkpointOffsets().size() == 3);
      for (int i = 0; i < 300; i++) {
        byte[] counter = ("counter:" + (i % 30)).getBytes(StandardCharsets.UTF_8);
        byte[] log = ("log:" + (i % 30)).getBytes(StandardCharsets.UTF_8);
        byte[] gone = ("many:" + i).getBytes(StandardCharsets.UTF_8);
        try (Jedis a = sourceCluster.clientFor(counter);
            Jedis b = sourceCluster.clientFor(log);
            Jedis c = sourceCluster.clientFor(gone)) {
          a.incr(counter);
          b.append(log, ("," + i).getBytes(StandardCharsets.UTF_8));
          c.del(gone);
        }
      }
      try (Jedis owner = sourceCluster.clientFor("{t}a".getBytes(StandardCharsets.UTF_8))) {
        var t = owner.multi();
        t.set("{t}a", "1");
        t.rpush("{t}b", "x", "y");
        t.pexpire("{t}a", 3_600_000);
        t.exec();
      }
      awaitClusterCaughtUp();
      assertEquals(dataset(sourceCluster), dataset(single));
      assertEquals(130, run.terminate(), run::toString);
    }
    Map<String, Object> r =
        assertAccounted(tmp.resolve("r.json"), SampleData.ALL_TYPES_KEYS + 1000);
    assertEquals(0L, n(r, "commands_failed"), r::toString);

    // Written while no sync runs: each master's backlog gives it back, once.
    for (int i = 0; i < 100; i++) {
      byte[] counter = ("counter:" + (i % 30)).getBytes(StandardCharsets.UTF_8);
      try (Jedis a = sourceCluster.clientFor(counter)) {
        a.incr(counter);
      }
    }
    try (JarRun again = sync(sourceCluster.uri(), single.uri())) {
      Await.until(
          "three resumes",
          Duration.ofSeconds(60),
          () -> again.err().split("resuming ", -1).length == 4);
      awaitClusterCaughtUp();
      assertEquals(dataset(sourceCluster), dataset(single));
      assertEquals(130, again.terminate(), again::toString);
    }
    Map<String, Object> resumed = assertAccounted(tmp.resolve("r.json"), 0);
    assertEquals(100L, n(resumed, "commands_applied"), resumed::toString);
  }

  /** Waits until the single source's snapshot is done: its checkpoint has an offset. */
  private void awaitSnapshot() throws InterruptedException {
    Await.until("the snapshot", Duration.ofSeconds(60), () -> checkpointOffsets().containsKey(""));
  }

  /** Waits until the checkpoint of the single source reaches the source's current offset. */
  private void awaitCheckpointAtSourceOffset() throws InterruptedException {
    long target = sourceOffset();
    Await.until(
        "checkpoint at " + target,
        Duration.ofSeconds(60),
        () -> checkpointOffsets().getOrDefault("", -1L) >= target);
  }

  private void awaitClusterCaughtUp() throws InterruptedException {
    Map<String, Long> target = sourceCluster.replicationOffsets();
    Await.until(
        "every master's checkpoint to reach its offset " + target,
        Duration.ofSeconds(60),
        () -> {
          Map<String, Long> done = checkpointOffsets();
          return target.entrySet().stream()
              .allMatch(e -> done.getOrDefault(e.getKey(), -1L) >= e.getValue());
        });
  }

  @Test
  void syncFromASingleNodeIntoTheClusterWithLiveWrites() throws Exception {
    try (Jedis s = source.server().client()) {
      s.flushAll();
      SampleData.fillAllTypes(s, "");
      SampleData.fillStrings(s, "many:", 1000);
    }
    try (JarRun run = sync(source.uri(), cluster.uri())) {
      awaitSnapshot();
      try (Jedis s = source.server().client()) {
        for (int i = 0; i < 300; i++) {
          s.incr("counter:" + (i % 30));
          s.append("log:" + (i % 30), "," + i);
        }
        // Keys in several slots: split into one command per key.
        s.del("many:1", "many:2", "many:3", "nothing");
        s.mset("m:1", "a", "m:2", "b", "m:3", "c");
        // A transaction in one slot (atomic on its master), one across slots (applied in order).
        var t = s.multi();
        t.set("{t}a", "1");
        t.rpush("{t}b", "x", "y");
        t.exec();
        t = s.multi();
        t.incr("counter:1");
        t.set("elsewhere", "z");
        t.pexpire("elsewhere", 3_600_000);
        t.exec();
      }
      awaitCheckpointAtSourceOffset();
      assertEquals(dataset(source), dataset(cluster));

      // Emptied at the source: every master empties, then takes what follows.
      try (Jedis s = source.server().client()) {
        s.flushAll();
        s.set("after", "flush");
      }
      awaitCheckpointAtSourceOffset();
      assertEquals(dataset(source), dataset(cluster));

      // What a cluster cannot take: booked as failed, with the reason, and the stream goes on.
      try (Jedis s = source.server().client()) {
        s.set("a", "1");
        s.rename("a", "b");
        s.select(1);
        s.set("in-db-1", "x");
        s.select(0);
        s.set("last", "1");
      }
      awaitCheckpointAtSourceOffset();
      try (Jedis owner = cluster.clientFor("last".getBytes(StandardCharsets.UTF_8))) {
        assertEquals("1", owner.get("last"));
      }
      assertEquals(130, run.terminate(), run::toString);
    }
    Map<String, Object> r =
        assertAccounted(tmp.resolve("r.json"), SampleData.ALL_TYPES_KEYS + 1000);
    assertEquals(2L, n(r, "commands_failed"), r::toString);
    assertTrue(n(r, "commands_applied") > 600, r::toString);
    String errors = Files.readString(tmp.resolve("e.log"));
    assertTrue(errors.contains("different hash slots"), errors);
    assertTrue(errors.contains("db 0 only"), errors);
  }

  @Test
  void snapshotOnlyFromAClusterIntoANodeAndIntoACluster() throws Exception {
    loadSourceCluster(1000);
    JarRun run =
        Run.sync(sourceCluster.uri())
            .to(single.uri())
            .args("--snapshot-only")
            .report(tmp.resolve("r.json"))
            .errorLog(tmp.resolve("e.log"))
            .jar(tmp);
    try (run) {
      assertEquals(0, run.waitFor(60), run::toString);
    }
    assertEquals(dataset(sourceCluster), dataset(single));
    assertAccounted(tmp.resolve("r.json"), SampleData.ALL_TYPES_KEYS + 1000);

    // Cluster to cluster: every master's stream, each key to the master of its slot.
    try (JarRun intoCluster =
        Run.sync(sourceCluster.uri())
            .to(cluster.uri())
            .args("--snapshot-only")
            .report(tmp.resolve("r2.json"))
            .errorLog(tmp.resolve("e.log"))
            .jar(tmp)) {
      assertEquals(0, intoCluster.waitFor(60), intoCluster::toString);
    }
    assertEquals(dataset(sourceCluster), dataset(cluster));
    assertAccounted(tmp.resolve("r2.json"), SampleData.ALL_TYPES_KEYS + 1000);
  }

  /**
   * Hash tags in the first {@code n} slots of the first node: those that {@code redis-cli --cluster
   * reshard --cluster-slots n} moves away from it first.
   */
  private static List<String> tagsInSlotsThatMove(int n) {
    java.util.TreeSet<Integer> owned = new java.util.TreeSet<>();
    try (Jedis j = cluster.nodes().get(0).client()) {
      for (SlotRange r : slotRanges(j)) {
        if (r.port() == cluster.nodes().get(0).port()) {
          for (int slot = r.start(); slot <= r.end(); slot++) {
            owned.add(slot);
          }
        }
      }
    }
    java.util.Set<Long> moving = new java.util.HashSet<>();
    owned.stream().limit(n).forEach(slot -> moving.add((long) slot));
    List<String> tags = new ArrayList<>();
    try (Jedis j = cluster.nodes().get(0).client()) {
      for (int i = 0; tags.size() < 20; i++) {
        String tag = "{tx" + i + "}";
        if (moving.contains(j.clusterKeySlot(tag))) {
          tags.add(tag);
        }
      }
    }
    return tags;
  }

  @Test
  void liveCommandsRedirectedWhileSlotsMoveAreAppliedOnceInOrder() throws Exception {
    try (Jedis s = source.server().client()) {
      s.flushAll();
      SampleData.fillStrings(s, "many:", 2000);
    }
    try (JarRun run = sync(source.uri(), cluster.uri())) {
      awaitSnapshot();
      List<String> tags = tagsInSlotsThatMove(1000);
      java.util.concurrent.atomic.AtomicBoolean writing =
          new java.util.concurrent.atomic.AtomicBoolean(true);
      Thread writer =
          new Thread(
              () -> {
                try (Jedis s = source.server().client()) {
                  for (int i = 0; writing.get(); i++) {
                    s.incr("counter:" + (i % 500));
                    s.append("log:" + (i % 500), "," + i);
                    if (i % 10 == 0) {
                      // A transaction in one slot: sent whole again if the slot moved under it.
                      var t = s.multi();
                      String tag = tags.get(i % tags.size());
                      t.incr(tag + ":n");
                      t.append(tag + ":log", "," + i);
                      t.exec();
                    }
                  }
                }
              });
      writer.start();
      Process reshard = reshard(2, 1000);
      try {
        assertReshardDone(reshard);
      } finally {
        writing.set(false);
        writer.join();
      }
      awaitCheckpointAtSourceOffset();
      assertEquals(dataset(source), dataset(cluster));
      assertEquals(130, run.terminate(), run::toString);
    }
    Map<String, Object> r = assertAccounted(tmp.resolve("r.json"), 2000);
    assertEquals(0L, n(r, "commands_failed"), r::toString);
  }

  /**
   * Starts {@code redis-cli --cluster reshard}: {@code slots} slots from node 0 to node {@code to}.
   */
  private Process reshard(int to, int slots) throws IOException {
    String fromId;
    String toId;
    try (Jedis a = cluster.nodes().get(0).client();
        Jedis b = cluster.nodes().get(to).client()) {
      fromId = a.clusterMyId();
      toId = b.clusterMyId();
    }
    return new ProcessBuilder(
            "redis-cli",
            "--cluster",
            "reshard",
            "127.0.0.1:" + cluster.nodes().get(0).port(),
            "--cluster-from",
            fromId,
            "--cluster-to",
            toId,
            "--cluster-slots",
            String.valueOf(slots),
            "--cluster-yes",
            "--cluster-pipeline",
            "50")
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("reshard.log").toFile())
        .start();
  }

  /** Waits for {@code reshard} to end; fails with its log unless it succeeded. */
  private void assertReshardDone(Process reshard) throws Exception {
    assertTrue(reshard.waitFor(120, TimeUnit.SECONDS), "the reshard did not end within 120 s");
    assertEquals(0, reshard.exitValue(), Files.readString(tmp.resolve("reshard.log")));
  }
}
