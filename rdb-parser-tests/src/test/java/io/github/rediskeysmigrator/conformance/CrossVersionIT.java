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
 * The generated fixtures migrated into destinations that cannot restore their payloads as they are:
 * servers older than the one that wrote them (Redis 7.0.15 and 6.2.11, Valkey 8.0.1 for RDB 12 and
 * 13), and across the Redis/Valkey split (Redis 7.4's and 8.6's fixtures into Valkey 9.1, which
 * refuses RDB 12 to 79; Valkey 9.1's into Redis 8.6 and 7.4). Each key is restamped (its payload
 * given the destination's RDB version, where the destination reads its value type) or rewritten as
 * plain commands, and the destination's content must equal the fixture's expected.json as far as
 * the destination can hold it. Keys with hash field TTLs land in the error log with the reason
 * where the destination has none (before Redis 7.4 and Valkey 9); function libraries are loaded
 * from their code on 7.0 and are errors on 6.2, which has no functions.
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
      for (String dest : destinationsFor(f)) {
        tests.add(DynamicTest.dynamicTest(f.fixture() + " into " + dest, () -> run(f, dest)));
      }
    }
    return tests.stream();
  }

  /** The destinations that cannot restore the payloads of {@code f} as they are. */
  private static List<String> destinationsFor(CorpusFile f) {
    List<String> out = new ArrayList<>();
    if (f.fixture().startsWith("valkey-9.")) {
      // VALKEY080: its payloads say RDB 11, its hashes with field TTLs have a type of their own.
      out.addAll(List.of(Destinations.REDIS_86, Destinations.REDIS_74, Destinations.REDIS_70));
      return out;
    }
    int v = f.rdbVersion();
    for (String dest : List.of(Destinations.REDIS_70, REDIS_62, Destinations.VALKEY_80)) {
      if (v > Destinations.restoresUpTo(dest)) {
        out.add(dest);
      }
    }
    if (v >= 12) {
      // Valkey 9 refuses Redis' RDB 12 to 79, which it leaves to Redis.
      out.add(Destinations.VALKEY_91);
    }
    return out;
  }

  private static void run(CorpusFile f, String destName) throws IOException, InterruptedException {
    RedisServer dest = destinations.emptied(destName);
    Path dir = Files.createDirectories(work.resolve(f.fixture() + "-into-" + destName));
    Path errorLog = dir.resolve("errors.log");
    Path reportFile = dir.resolve("report.json");
    Cli.Result r = FileCheck.migrate(f, dest, errorLog, reportFile);
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
    assertEquals(
        written,
        count(report, "restored") + count(report, "restamped") + count(report, "rewritten"),
        json);
    if (f.rdbVersion() > Destinations.restoresUpTo(destName)) {
      // Nothing goes as it was read; most of it goes restamped rather than rewritten.
      assertEquals(0, count(report, "restored"), json);
      assertTrue(count(report, "restamped") > count(report, "rewritten"), json);
    }

    Map<String, Object> expected = ExpectedContent.read(f.expected());
    Set<String> withFieldTtl =
        Destinations.holdsFieldTtls(destName)
            ? Set.of()
            : ExpectedContent.keysWithFieldExpiry(expected);
    List<String> lines = Files.readAllLines(errorLog, StandardCharsets.UTF_8);
    List<String> keyLines = new ArrayList<>();
    long notes = 0;
    for (String line : lines) {
      if (line.matches("^\\S+ NOTE db=.*")) {
        // A stream written without its non-empty IDMP state: noted, counted, not an error.
        assertTrue(line.contains("IDMP state"), line);
        notes++;
      } else if (line.contains("function library")) {
        assertEquals(REDIS_62, destName, line);
        assertTrue(line.contains("has no functions"), line);
      } else {
        keyLines.add(line);
        assertTrue(line.contains("hash field TTLs"), line);
        assertTrue(line.contains(destName.replace('-', ' ')), line);
      }
    }
    assertEquals(errors, keyLines.size(), lines::toString);
    assertEquals(count(report, "idmp_left_out"), notes, lines::toString);
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
