package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.RedisServer;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * One migration split into shards as an orchestrator runs it: each run takes the file its index
 * selects ({@code JOB_COMPLETION_INDEX} or {@code --shard-index}) and writes its own report, then
 * {@code report merge} adds the reports up.
 */
class ShardsIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  /** Keys per shard: shard i holds the string keys {@code s<i>:0..} plus, in shard 0, all types. */
  private static final int[] KEYS = {40, 25, 60};

  @TempDir Path tmp;

  private final List<Path> shards = new ArrayList<>();
  private Path list;

  @BeforeEach
  void saveOneRdbFilePerShard() throws IOException {
    for (int i = 0; i < KEYS.length; i++) {
      source.server().flushAll();
      try (Jedis j = source.server().client()) {
        SampleData.fillStrings(j, "s" + i + ":", KEYS[i]);
        if (i == 0) {
          SampleData.fillAllTypes(j, "s0:");
        }
      }
      shards.add(source.server().saveTo(tmp.resolve("backup-000" + (i + 1) + ".rdb")));
    }
    list = tmp.resolve("shards.txt");
    StringBuilder sb = new StringBuilder("# one file per shard\n");
    shards.forEach(p -> sb.append(p).append('\n'));
    Files.writeString(list, sb.toString());
  }

  private static long keysIn(int shard) {
    return KEYS[shard] + (shard == 0 ? SampleData.ALL_TYPES_KEYS : 0);
  }

  /** One pod's run: rdb with the manifest's options and the pod's index in the environment. */
  private Tool.Result pod(int index, String to, String... extra) {
    return Run.of("rdb", "--files-from", list.toString())
        .to(to)
        .report(tmp.resolve("report-{index}.json"))
        .errorLog(tmp.resolve("errors-{index}.log"))
        .args(extra)
        .env(Map.of("JOB_COMPLETION_INDEX", "" + index))
        .inProcess();
  }

  private static long number(Map<String, Object> json, String field) {
    return ((BigDecimal) json.get(field)).longValueExact();
  }

  private Map<String, Object> json(String name) throws IOException {
    return JsonText.object(Files.readString(tmp.resolve(name)));
  }

  private Tool.Result merge(String... args) {
    List<String> all = new ArrayList<>(List.of("report", "merge"));
    all.addAll(List.of(args));
    return Tool.run(all.toArray(String[]::new));
  }

  private String report(int index) {
    return tmp.resolve("report-" + index + ".json").toString();
  }

  @Test
  void theIndexInTheEnvironmentMigratesOnlyItsShard() throws IOException {
    Tool.Result r = pod(1, dest.uri());

    assertEquals(0, r.exit(), r::toString);
    assertTrue(
        r.err().contains("shard 1 of 3 (from JOB_COMPLETION_INDEX): " + shards.get(1)), r.err());
    try (Jedis d = dest.server().client()) {
      Set<String> keys = d.keys("*");
      assertEquals(keysIn(1), keys.size(), keys::toString);
      assertTrue(keys.stream().allMatch(k -> k.startsWith("s1:")), keys::toString);
      assertEquals("value-7", d.get("s1:7"));
    }
    Map<String, Object> report = json("report-1.json");
    assertEquals(shards.get(1).toString(), report.get("source"));
    assertEquals(keysIn(1), number(report, "read"));
    assertEquals(keysIn(1), number(report, "written"));
    assertTrue(Files.exists(tmp.resolve("errors-1.log")));
    assertFalse(Files.exists(tmp.resolve("report-{index}.json")));
  }

  @Test
  void theOptionWinsOverTheEnvironment() throws IOException {
    Tool.Result r = pod(1, dest.uri(), "--shard-index", "2");

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals(keysIn(2), d.dbSize());
      assertEquals("value-59", d.get("s2:59"));
    }
    assertEquals(keysIn(2), number(json("report-2.json"), "written"));
  }

  @Test
  void anIndexOutOfRangeIsAUsageErrorAndWritesNothing() {
    Tool.Result r = pod(3, dest.uri());

    assertEquals(2, r.exit(), r::toString);
    assertEquals(
        "error: JOB_COMPLETION_INDEX 3 is out of range: 3 input files (indexes 0 to 2)",
        r.err().strip());
    try (Jedis d = dest.server().client()) {
      assertEquals(0, d.dbSize());
    }
    assertFalse(Files.exists(tmp.resolve("report-3.json")));
  }

  @Test
  void theReportsOfEveryShardMergeIntoOneThatVerifyAccepts() throws IOException {
    for (int i = 0; i < KEYS.length; i++) {
      Tool.Result r = pod(i, dest.uri());
      assertEquals(0, r.exit(), r::toString);
    }
    // Shard 1 again, as a retried pod would: every key is already there.
    assertEquals(0, pod(1, dest.uri()).exit());

    Tool.Result m =
        merge(
            "--expect",
            "3",
            "--out",
            tmp.resolve("merged.json").toString(),
            report(0),
            report(1),
            report(2));

    assertEquals(0, m.exit(), m::toString);
    long total = keysIn(0) + keysIn(1) + keysIn(2);
    try (Jedis d = dest.server().client()) {
      assertEquals(total, d.dbSize());
    }
    Map<String, Object> merged = json("merged.json");
    assertEquals(total, number(merged, "read"));
    assertEquals(keysIn(0) + keysIn(2), number(merged, "written"));
    assertEquals(keysIn(1), number(merged, "skipped_existing"));
    assertEquals(0, number(merged, "errors"));
    assertEquals(0, number(merged, "exit_code"));
    assertEquals(3, number(merged, "shards"));
    long longest = 0;
    for (int i = 0; i < KEYS.length; i++) {
      longest = Math.max(longest, number(json("report-" + i + ".json"), "duration_ms"));
    }
    assertEquals(longest, number(merged, "duration_ms"));
    assertTrue(m.out().startsWith("Merged 3 reports\nMigration finished in "), m.out());
    assertTrue(m.out().contains("read                 " + total + "\n"), m.out());

    // The merged report is a report like any other: verify explains the skipped keys with it.
    List<String> verify =
        new ArrayList<>(
            List.of(
                "verify",
                "--to",
                dest.uri(),
                "--existing-report",
                tmp.resolve("merged.json").toString(),
                "--diff-file",
                tmp.resolve("diff.txt").toString(),
                "--from"));
    shards.forEach(p -> verify.add(p.toString()));
    Tool.Result v = Tool.run(verify.toArray(String[]::new));
    assertEquals(0, v.exit(), v::toString);
  }

  @Test
  void aShardThatFailedMakesTheMergeFailWithItsExitCode() throws IOException {
    assertEquals(0, pod(0, dest.uri()).exit());
    Tool.Result down = pod(1, "redis://127.0.0.1:" + RedisServer.freeTestPort());
    assertEquals(3, down.exit(), down::toString);

    Tool.Result m = merge("-o", tmp.resolve("merged.json").toString(), report(0), report(1));

    assertEquals(3, m.exit(), m::toString);
    assertTrue(m.out().contains("  exit 3               " + report(1) + "\n"), m.out());
    Map<String, Object> merged = json("merged.json");
    assertEquals(3, number(merged, "exit_code"));
    assertEquals(keysIn(0), number(merged, "written"));
    assertTrue(
        ((String) merged.get("stop_reason")).startsWith(report(1) + ": "), merged.toString());
  }

  @Test
  void missingOrBadReportsAreRefusedWithExit5AndNothingWritten() throws IOException {
    assertEquals(0, pod(0, dest.uri()).exit());
    assertEquals(0, pod(1, dest.uri()).exit());
    Path out = tmp.resolve("merged.json");

    Tool.Result missing = merge("--out", out.toString(), report(0), report(2));
    assertEquals(5, missing.exit(), missing::toString);
    assertTrue(
        missing.err().startsWith("error: cannot read the report " + report(2)), missing.err());

    Tool.Result tooFew = merge("--expect", "3", "--out", out.toString(), report(0), report(1));
    assertEquals(5, tooFew.exit(), tooFew::toString);
    assertEquals(
        "error: 2 reports given but --expect 3: a shard's report is missing or one too many was"
            + " given",
        tooFew.err().strip());

    String whole = Files.readString(Path.of(report(1)));
    Files.writeString(Path.of(report(1)), whole.substring(0, whole.length() / 2));
    Tool.Result truncated = merge("--out", out.toString(), report(0), report(1));
    assertEquals(5, truncated.exit(), truncated::toString);
    assertTrue(
        truncated.err().startsWith("error: " + report(1) + ": not a JSON report: "),
        truncated.err());
    assertEquals(1, truncated.err().strip().lines().count(), truncated.err());
    assertEquals("", truncated.out());

    Files.writeString(Path.of(report(1)), whole.replace("\"written\":", "\"written\":1"));
    Tool.Result unbalanced = merge("--out", out.toString(), report(0), report(1));
    assertEquals(5, unbalanced.exit(), unbalanced::toString);
    assertTrue(unbalanced.err().contains(": the counts do not add up: read "), unbalanced.err());

    assertFalse(Files.exists(out));

    Tool.Result overwrite = merge("--out", report(0), report(0), report(1));
    assertEquals(2, overwrite.exit(), overwrite::toString);
  }
}
