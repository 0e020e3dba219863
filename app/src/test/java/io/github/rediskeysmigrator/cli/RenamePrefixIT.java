package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.CheckpointFile;
import io.github.rediskeysmigrator.testing.Dataset;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.LocalCluster;
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
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * --rename-prefix against real servers: rdb, scan and sync (snapshot and live commands) into one
 * node and into a cluster, each proved by verify with the same option.
 */
class RenamePrefixIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.syncSource();

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  // Replicates EVAL as EVAL (not its effects), so the stream carries a script and its numkeys.
  @RegisterExtension
  static final RedisServerExtension scriptSource =
      RedisServerExtension.shared(
          "redis-6.2.11", "--repl-diskless-sync-delay", "0", "--lua-replicate-commands", "no");

  @RegisterExtension static final LocalCluster cluster = new LocalCluster();

  @TempDir Path tmp;

  private static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code dataset} with the keys starting with {@code from} renamed to start with {@code to}. */
  private static Map<String, String> renamed(Map<String, String> dataset, String... fromTo) {
    Map<String, String> out = new TreeMap<>();
    dataset.forEach(
        (key, value) -> {
          String k = key;
          for (int i = 0; i < fromTo.length; i += 2) {
            if (key.startsWith(hex(fromTo[i]))) {
              k = hex(fromTo[i + 1]) + key.substring(hex(fromTo[i]).length());
              break;
            }
          }
          out.put(k, value);
        });
    return out;
  }

  private static Map<String, String> dataset(RedisServerExtension server, int db) {
    try (Jedis j = server.server().client()) {
      j.select(db);
      return Dataset.of(j);
    }
  }

  private static Map<String, String> dataset(LocalCluster c) {
    return Dataset.of(c);
  }

  /** A migrating command line with no progress, the report in r.json, the error log in e.log. */
  private Tool.Result tool(String... args) {
    return Run.of(args).outputsIn(tmp).inProcess();
  }

  private Tool.Result verify(String from, String to, String... extra) {
    return Run.verify(from)
        .to(to)
        .args("--progress", "never", "--diff-file", tmp.resolve("diff.log").toString())
        .args(extra)
        .inProcess();
  }

  private Map<String, Object> report() throws Exception {
    return JsonText.object(Files.readString(tmp.resolve("r.json")));
  }

  private static long n(Map<String, Object> r, String field) {
    return ((Number) r.get(field)).longValue();
  }

  private static void assertBalanced(Map<String, Object> r) {
    assertEquals(
        n(r, "read"),
        n(r, "written")
            + n(r, "skipped_existing")
            + n(r, "skipped_expired")
            + n(r, "skipped_gone")
            + n(r, "filtered")
            + n(r, "errors"),
        r::toString);
  }

  private Path twoTenants() {
    try (Jedis s = source.server().client()) {
      SampleData.fillAllTypes(s, "app:");
      s.set("app:who", "tenant a");
      s.select(1);
      SampleData.fillAllTypes(s, "app:");
      s.set("app:who", "tenant b");
    }
    return source.server().saveTo(tmp.resolve("tenants.rdb"));
  }

  @Test
  void rdbMergesTwoDatabasesIntoOneWithPrefixesAndVerifyProvesIt() throws Exception {
    Path file = twoTenants();
    int perDb = SampleData.ALL_TYPES_KEYS + 1;
    String[] a = {"--db", "0", "--rename-prefix", "app:=tenant-a:app:"};
    String[] b = {"--db", "1", "--db-map", "1=0", "--rename-prefix", "app:=tenant-b:app:"};

    Tool.Result r = tool(concat(List.of("rdb", file.toString(), "--to", dest.uri()), a));
    assertEquals(0, r.exit(), r::toString);
    Map<String, Object> json = report();
    assertEquals(perDb, n(json, "renamed"), json::toString);
    assertEquals(perDb, n(json, "written"), json::toString);
    assertBalanced(json);
    r = tool(concat(List.of("rdb", file.toString(), "--to", dest.uri()), b));
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("renamed"), r::toString);

    Map<String, String> expected = renamed(dataset(source, 0), "app:", "tenant-a:app:");
    expected.putAll(renamed(dataset(source, 1), "app:", "tenant-b:app:"));
    assertEquals(expected, dataset(dest, 0));
    try (Jedis d = dest.server().client()) {
      assertEquals("tenant a", d.get("tenant-a:app:who"));
      assertEquals("tenant b", d.get("tenant-b:app:who"));
    }

    for (String[] options : List.of(a, b)) {
      Tool.Result v = verify(file.toString(), dest.uri(), options);
      assertEquals(0, v.exit(), v::toString);
    }
    // Each tenant's migration has no extra keys: the other's new names map back to source names
    // outside --match.
    for (String[] options : List.of(a, b)) {
      Tool.Result v =
          verify(
              file.toString(),
              dest.uri(),
              concat(List.of("--match", "app:*", "--extra-keys"), options));
      assertEquals(0, v.exit(), v::toString);
    }
    // Without --match, the other tenant's keys are keys this source does not hold.
    Tool.Result merged = verify(file.toString(), dest.uri(), concat(List.of("--extra-keys"), a));
    assertEquals(6, merged.exit(), merged::toString);
    assertTrue(
        merged.out().matches("(?s).*extra at destination +" + perDb + "\n.*"), merged::toString);
    assertTrue(merged.out().contains("\"tenant-b:app:"), merged::toString);
    assertFalse(merged.out().contains("\"tenant-a:app:"), merged::toString);
    // Without the mapping, verify looks for the source names and finds none.
    Tool.Result plain = verify(file.toString(), dest.uri(), "--db", "0");
    assertEquals(6, plain.exit(), plain::toString);
  }

  private static String[] concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all.toArray(String[]::new);
  }

  @Test
  void aDryRunShowsTheRenamesAndBadMappingsExitTwoWithOneLine() throws Exception {
    Path file = twoTenants();
    Tool.Result dry =
        tool("rdb", file.toString(), "--db", "1", "--rename-prefix", "app:user:=u:", "--dry-run");
    assertEquals(0, dry.exit(), dry::toString);
    assertTrue(dry.out().contains("would rename"), dry::toString);
    assertTrue(dry.out().contains("'app:user:0' -> 'u:0'"), dry::toString);
    assertEquals(4, n(report(), "renamed"));
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize());
    }

    List<List<String>> bad =
        List.of(
            List.of("--rename-prefix", "a=x", "--rename-prefix", "ab=y"),
            List.of("--rename-prefix", "=tenant-a:"),
            List.of("--rename-prefix", "tenant-a:"));
    for (List<String> mapping : bad) {
      for (List<String> command :
          List.of(
              List.of("rdb", file.toString(), "--to", dest.uri()),
              List.of("scan", "--from", source.uri(), "--to", dest.uri()),
              List.of("sync", "--from", source.uri(), "--to", dest.uri()),
              List.of("verify", "--from", file.toString(), "--to", dest.uri()))) {
        List<String> args = new ArrayList<>(command);
        args.addAll(mapping);
        Tool.Result r = Tool.run(args.toArray(String[]::new));
        assertEquals(2, r.exit(), r::toString);
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r::toString);
        assertTrue(lines[0].contains("--rename-prefix '"), r::toString);
      }
    }
    Tool.Result shadow =
        Run.rdb(file)
            .args("--rename-prefix", "a=x", "--rename-prefix", "ab=y")
            .to(dest.uri())
            .inProcess();
    assertTrue(
        shadow.err().contains("'ab=y' can never apply: the earlier 'a=x'"), shadow::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize());
    }
  }

  @Test
  void scanFiltersBySourceNameAndSkipsByNewName() throws Exception {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      SampleData.fillStrings(s, "app:", 200);
      SampleData.fillStrings(s, "other:", 50);
      // The existence policy sees the new name: app:1 at the destination is not in the way.
      d.set("app:1", "old name");
      d.set("new:2", "already there");
    }
    Tool.Result r =
        Run.scan(source.uri())
            .to(dest.uri())
            .args("--match", "app:*", "--rename-prefix", "app:=new:")
            .outputsIn(tmp)
            .inProcess();
    assertEquals(0, r.exit(), r::toString);
    Map<String, Object> json = report();
    assertEquals(199, n(json, "written"), json::toString);
    assertEquals(1, n(json, "skipped_existing"), json::toString);
    // SCAN MATCH selects by the source name at the source: other:* is never read.
    assertEquals(200, n(json, "read"), json::toString);
    assertEquals(200, n(json, "renamed"), json::toString);
    assertBalanced(json);
    try (Jedis d = dest.server().client()) {
      assertEquals("value-1", d.get("new:1"));
      assertEquals("old name", d.get("app:1"));
      assertEquals("already there", d.get("new:2"));
      assertFalse(d.exists("other:1"));
      assertEquals(201, d.dbSize());
    }
    Tool.Result v =
        verify(
            source.uri(),
            dest.uri(),
            "--match",
            "app:*",
            "--rename-prefix",
            "app:=new:",
            "--existing-report",
            tmp.resolve("r.json").toString());
    assertEquals(0, v.exit(), v::toString);
  }

  private JarRun sync(String from, String to, String... extra) {
    return Run.sync(from)
        .to(to)
        .checkpoint(tmp.resolve("checkpoint"))
        .outputsIn(tmp)
        .args(extra)
        .jar(tmp);
  }

  private long checkpointOffset() {
    return CheckpointFile.offset(tmp.resolve("checkpoint"));
  }

  private static long offset(RedisServerExtension server) {
    return server.server().replicationOffset();
  }

  private void awaitCaughtUp(RedisServerExtension server) throws InterruptedException {
    long target = offset(server);
    Await.until(
        "the checkpoint at " + target, Duration.ofSeconds(60), () -> checkpointOffset() >= target);
  }

  /**
   * Live writes of the kinds the issue names, all under {@code p}: SET, RENAME, LMOVE, MSET, a
   * MULTI block and an EVAL with keys. Keys of one command share a hash tag, so a cluster takes
   * them in one slot under either name.
   */
  private static void liveWrites(Jedis s, String p) {
    s.set(p + "{s}plain", "1");
    s.set(p + "{r}from", "moved");
    s.rename(p + "{r}from", p + "{r}to");
    s.rpush(p + "{l}a", "x", "y", "z");
    s.lmove(
        p + "{l}a",
        p + "{l}b",
        redis.clients.jedis.args.ListDirection.LEFT,
        redis.clients.jedis.args.ListDirection.RIGHT);
    s.mset(p + "{m}1", "a", p + "{m}2", "b");
    var t = s.multi();
    t.set(p + "{t}1", "in a transaction");
    t.incr(p + "{t}n");
    t.pexpire(p + "{t}1", 3_600_000);
    t.exec();
    s.eval(
        "redis.call('set', KEYS[1], ARGV[1]); return redis.call('rpush', KEYS[2], ARGV[1])",
        List.of(p + "{e}k", p + "{e}l"),
        List.of("by script"));
    s.set("untouched", "kept");
  }

  @Test
  void syncRenamesTheSnapshotAndEveryKeyOfLiveCommands() throws Exception {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      SampleData.fillAllTypes(s, "app:");
      s.set("app:mine", "source");
      s.functionFlush();
      // The destination's own key under the new name: the snapshot and later writes leave it.
      d.set("tenant-a:mine", "destination");
    }
    try (JarRun run = sync(source.uri(), dest.uri(), "--rename-prefix", "app:=tenant-a:")) {
      Await.until("the snapshot", Duration.ofSeconds(60), () -> checkpointOffset() >= 0);
      try (Jedis s = source.server().client()) {
        liveWrites(s, "app:");
        s.set("app:mine", "source, later");
      }
      awaitCaughtUp(source);
      assertEquals(130, run.terminate(), run::toString);
    }
    Map<String, String> expected = renamed(dataset(source, 0), "app:", "tenant-a:");
    Map<String, String> actual = dataset(dest, 0);
    assertEquals(expected.keySet(), actual.keySet());
    expected.remove(hex("tenant-a:mine"));
    actual.remove(hex("tenant-a:mine"));
    assertEquals(expected, actual);
    try (Jedis d = dest.server().client()) {
      assertEquals("moved", d.get("tenant-a:{r}to"));
      assertEquals(List.of("x"), d.lrange("tenant-a:{l}b", 0, -1));
      assertEquals("by script", d.get("tenant-a:{e}k"));
      assertEquals("kept", d.get("untouched"));
      assertEquals("destination", d.get("tenant-a:mine"));
    }
    Map<String, Object> json = report();
    assertEquals(SampleData.ALL_TYPES_KEYS + 1, n(json, "renamed"), json::toString);
    assertEquals(1, n(json, "skipped_existing"), json::toString);
    assertEquals(1, n(json, "commands_skipped"), json::toString);
    assertEquals(0, n(json, "commands_failed"), json::toString);
    assertBalanced(json);
    Tool.Result v =
        verify(
            source.uri(),
            dest.uri(),
            "--rename-prefix",
            "app:=tenant-a:",
            "--existing-report",
            tmp.resolve("r.json").toString());
    assertEquals(0, v.exit(), v::toString);
  }

  @Test
  void aReplicatedScriptIsRenamedByItsDeclaredKeys() throws Exception {
    try (JarRun run = sync(scriptSource.uri(), dest.uri(), "--rename-prefix", "app:=b:")) {
      Await.until("the snapshot", Duration.ofSeconds(60), () -> checkpointOffset() >= 0);
      try (Jedis s = scriptSource.server().client()) {
        s.eval("return redis.call('set', KEYS[1], ARGV[1])", List.of("app:e"), List.of("declared"));
        s.eval(
            "return redis.call('zunionstore', KEYS[1], 2, KEYS[2], KEYS[3])",
            List.of("app:u", "app:z1", "app:z2"),
            List.of());
        s.zadd("app:z1", 1, "a");
        s.zadd("app:z2", 2, "b");
        s.zunionstore("app:u", "app:z1", "app:z2");
      }
      awaitCaughtUp(scriptSource);
      assertEquals(130, run.terminate(), run::toString);
    }
    // Another server version: payloads differ, so the values are compared (verify below too).
    try (Jedis d = dest.server().client()) {
      assertEquals(java.util.Set.of("b:e", "b:z1", "b:z2", "b:u"), d.keys("b:*"));
      assertEquals(java.util.Set.of(), d.keys("app:*"));
      assertEquals("declared", d.get("b:e"));
      assertEquals(List.of("a", "b"), d.zrange("b:u", 0, -1));
    }
    Tool.Result v = verify(scriptSource.uri(), dest.uri(), "--rename-prefix", "app:=b:");
    assertEquals(0, v.exit(), v::toString);
  }

  @Test
  void rdbIntoAClusterPutsEachKeyInTheSlotOfItsNewName() throws Exception {
    Path file = twoTenants();
    Tool.Result r =
        tool(
            "rdb",
            file.toString(),
            "--to",
            cluster.uri(),
            "--db",
            "0",
            "--rename-prefix",
            "app:=a:");
    assertEquals(0, r.exit(), r::toString);
    // Dataset reads each master: a key on a master that does not own its new slot would be
    // unreadable there (MOVED) and missing here.
    assertEquals(renamed(dataset(source, 0), "app:", "a:"), dataset(cluster));
    try (Jedis owner = cluster.clientFor("a:who".getBytes(StandardCharsets.UTF_8))) {
      assertEquals("tenant a", owner.get("a:who"));
    }
    // verify reads each key on the master owning the slot of its new name.
    Tool.Result v =
        verify(
            file.toString(),
            cluster.uri(),
            "--db",
            "0",
            "--rename-prefix",
            "app:=a:",
            "--extra-keys");
    assertEquals(0, v.exit(), v::toString);
    Tool.Result plain = verify(file.toString(), cluster.uri(), "--db", "0");
    assertEquals(6, plain.exit(), plain::toString);
  }

  @Test
  void syncIntoAClusterRenamesLiveCommandsAndRefusesASplitSlot() throws Exception {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "app:", 300);
      s.functionFlush();
    }
    try (JarRun run =
        sync(
            source.uri(),
            cluster.uri(),
            "--rename-prefix",
            "{split}=s:",
            "--rename-prefix",
            "app:=tenant-a:")) {
      Await.until("the snapshot", Duration.ofSeconds(60), () -> checkpointOffset() >= 0);
      try (Jedis s = source.server().client()) {
        liveWrites(s, "app:");
        // One slot under the source names, two under the new ones: refused, with the reason.
        s.mset("{split}x", "1", "{split}y", "2");
        s.set("app:last", "1");
      }
      awaitCaughtUp(source);
      assertEquals(130, run.terminate(), run::toString);
    }
    Map<String, String> expected =
        renamed(dataset(source, 0), "{split}", "s:", "app:", "tenant-a:");
    expected.remove(hex("s:x"));
    expected.remove(hex("s:y"));
    assertEquals(expected, dataset(cluster));
    Map<String, Object> json = report();
    assertEquals(1, n(json, "commands_failed"), json::toString);
    String errors = Files.readString(tmp.resolve("e.log"));
    assertTrue(errors.contains("different hash slots ('s:x' and 's:y')"), errors);
    String[] renames = {"--rename-prefix", "{split}=s:", "--rename-prefix", "app:=tenant-a:"};
    Tool.Result v =
        verify(source.uri(), cluster.uri(), concat(List.of("--match", "app:*"), renames));
    assertEquals(0, v.exit(), v::toString);
    // The refused MSET's two keys, and only they, are missing.
    Tool.Result all = verify(source.uri(), cluster.uri(), renames);
    assertEquals(6, all.exit(), all::toString);
    assertTrue(all.out().contains("missing              2"), all::toString);
    assertTrue(all.out().contains("\"{split}x\": missing"), all::toString);
  }
}
