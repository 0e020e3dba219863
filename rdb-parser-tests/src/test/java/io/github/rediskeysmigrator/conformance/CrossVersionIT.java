package io.github.rediskeysmigrator.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.cli.Cli;
import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.RedisServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The generated fixtures migrated into destinations older than the server that wrote them (Redis
 * 7.0.15 and 6.2.11, and Valkey 8.0.1 for Redis 7.4's RDB 12): every key is rewritten as plain
 * commands (no RESTORE), and the destination's content must equal the fixture's expected.json as
 * far as the older server can hold it. Keys with hash field TTLs (Redis 7.4+) land in the error log
 * with the reason; function libraries are loaded from their code on 7.0 and are errors on 6.2,
 * which has no functions.
 */
class CrossVersionIT {
  private static final String REDIS_62 = Destinations.REDIS_62;

  @TempDir static Path work;

  private static Destinations destinations;

  @BeforeAll
  static void start() {
    destinations = new Destinations();
  }

  @AfterAll
  static void stop() {
    destinations.close();
  }

  @TestFactory
  Stream<DynamicTest> newerFixturesIntoOlderDestinations() {
    List<DynamicTest> tests = new ArrayList<>();
    for (CorpusFile f : Corpus.generatedFiles()) {
      for (String dest : List.of(Destinations.REDIS_70, REDIS_62, Destinations.VALKEY_80)) {
        int destRdb =
            switch (dest) {
              case REDIS_62 -> 9;
              case Destinations.REDIS_70 -> 10;
              default -> 11;
            };
        if (f.rdbVersion() > destRdb) {
          tests.add(DynamicTest.dynamicTest(f.fixture() + " into " + dest, () -> run(f, dest)));
        }
      }
    }
    return tests.stream();
  }

  private static void run(CorpusFile f, String destName) throws IOException, InterruptedException {
    RedisServer dest = destinations.emptied(destName);
    Path dir = Files.createDirectories(work.resolve(f.fixture() + "-into-" + destName));
    Path errorLog = dir.resolve("errors.log");
    Path reportFile = dir.resolve("report.json");
    Cli.Result r =
        Cli.run(
            FileCheck.LIMIT,
            "rdb",
            f.file().toString(),
            "--to",
            dest.uri(),
            "--error-log",
            errorLog.toString(),
            "--report",
            reportFile.toString(),
            "--progress",
            "never",
            "--max-errors",
            "0");
    assertTrue(!r.timedOut() && r.crash() == null, r::toString);
    Map<String, Object> report = JsonText.object(Files.readString(reportFile));
    String json = report.toString();
    assertNull(report.get("stop_reason"), json);
    long read = count(report, "read");
    long written = count(report, "written");
    long errors = count(report, "errors");
    assertEquals(
        read,
        written
            + count(report, "skipped_existing")
            + count(report, "skipped_expired")
            + count(report, "skipped_gone")
            + count(report, "filtered")
            + errors,
        json);
    assertEquals(written, count(report, "rewritten"), json);
    assertEquals(0, count(report, "restored"), json);

    Map<String, Object> expected = ExpectedContent.read(f.expected());
    Set<String> withFieldTtl = ExpectedContent.keysWithFieldExpiry(expected);
    List<String> lines = Files.readAllLines(errorLog, StandardCharsets.UTF_8);
    List<String> keyLines = new ArrayList<>();
    for (String line : lines) {
      if (line.contains("function library")) {
        assertEquals(REDIS_62, destName, line);
        assertTrue(line.contains("has no functions"), line);
      } else {
        keyLines.add(line);
        assertTrue(line.contains("hash field TTLs"), line);
        assertTrue(line.contains(destName.replace('-', ' ')), line);
      }
    }
    assertEquals(errors, keyLines.size(), lines::toString);
    assertTrue(keyLines.size() <= withFieldTtl.size(), lines::toString);
    for (String id : withFieldTtl) {
      String key = id.substring(id.indexOf(" key=") + 5);
      if (!key.startsWith("\"hfe:all-soon")) {
        assertTrue(
            keyLines.stream().anyMatch(l -> l.contains("key=" + key)),
            id + " is not in the error log: " + lines);
      }
    }
    boolean functions = expected.get("functions") instanceof List<?> l && !l.isEmpty();
    if (destName.equals(REDIS_62)) {
      assertEquals(0, count(report, "functions_restored"), json);
      assertEquals(functions ? 1 : 0, r.exit(), r::toString);
    } else {
      assertEquals(0, count(report, "functions_failed"), json);
      assertEquals(keyLines.isEmpty() ? 0 : 1, r.exit(), r::toString);
    }

    String problem = CanonicalDump.problem();
    assertNull(problem, problem);
    Path actual = dir.resolve("actual.json");
    CanonicalDump.generatedForm(dest.port(), actual);
    List<String> diffs =
        ExpectedContent.compareOnOlderServer(
            expected, ExpectedContent.read(actual), System.currentTimeMillis(), withFieldTtl);
    assertEquals(List.of(), diffs, f.fixture() + " into " + destName);
    try (Jedis j = dest.client()) {
      Set<String> leftovers = new TreeSet<>();
      for (int db : List.of(0, 1, 15)) {
        j.select(db);
        leftovers.addAll(j.keys("*rkm-tmp:*"));
      }
      assertEquals(Set.of(), leftovers, "temporary keys left behind");
    }
  }

  private static long count(Map<String, Object> report, String field) {
    Object v = report.get(field);
    return v instanceof BigDecimal b ? b.longValueExact() : 0;
  }
}
