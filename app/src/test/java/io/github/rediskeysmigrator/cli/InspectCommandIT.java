package io.github.rediskeysmigrator.cli;

import static io.github.rediskeysmigrator.testing.JsonTree.list;
import static io.github.rediskeysmigrator.testing.JsonTree.longs;
import static io.github.rediskeysmigrator.testing.JsonTree.map;
import static io.github.rediskeysmigrator.testing.JsonTree.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import io.github.rediskeysmigrator.testing.SharedDir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The {@code inspect} command on files saved by a real redis-server and on the RDB corpus. */
class InspectCommandIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();

  /** The fields docs/inspect.md documents, in order. */
  private static final List<String> TOP_FIELDS = List.of("now_ms", "files");

  private static final List<String> FILE_FIELDS =
      List.of(
          "file",
          "size_bytes",
          "magic",
          "rdb_version",
          "aux",
          "checksum",
          "keys",
          "with_expiry",
          "expired",
          "types",
          "dbs",
          "biggest_keys",
          "idmp_streams",
          "module_types",
          "functions");

  private static final List<String> COUNT_FIELDS =
      List.of("keys", "with_expiry", "expired", "types");

  private static final List<String> TYPES =
      List.of("string", "list", "set", "zset", "hash", "stream", "module");

  @TempDir Path tmp;

  /** Runs the command line in-process with the wall clock at {@code now}. */
  private static Tool.Result run(Instant now, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = Main.of(Map.of(), o, e, Clock.fixed(now, ZoneOffset.UTC)).execute(args);
    }
    return new Tool.Result(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Every type in db 0 and db 1, plus three keys in db 0 that expire within a minute. */
  private Path sampleRdb() {
    try (Jedis j = source.server().client()) {
      SampleData.fillAllTypes(j, "");
      for (int i = 0; i < 3; i++) {
        j.set("soon:" + i, "v");
        j.pexpire("soon:" + i, 60_000);
      }
      j.select(1);
      SampleData.fillAllTypes(j, "db1:");
    }
    return source.server().saveTo(tmp.resolve("sample.rdb"));
  }

  /** Ten minutes after the save: the three short TTLs have run out, the hour-long ones not. */
  private static Instant later() {
    return Instant.now().plusSeconds(600);
  }

  private static Map<String, Object> onlyFile(Tool.Result r) {
    assertEquals(0, r.exit(), r::toString);
    List<Object> files = list(JsonText.object(r.out()).get("files"));
    assertEquals(1, files.size());
    return map(files.get(0));
  }

  @Test
  void countsKeysPerDbTypeExpiryAndExpired() {
    Path file = sampleRdb();

    Map<String, Object> f = onlyFile(run(later(), "inspect", "--json", file.toString()));

    assertEquals(2L * SampleData.ALL_TYPES_KEYS + 3, num(f.get("keys")));
    assertEquals(4 + 3 + 4, num(f.get("with_expiry")));
    assertEquals(3, num(f.get("expired")));
    Map<String, Object> db0 = map(map(f.get("dbs")).get("0"));
    assertEquals(SampleData.ALL_TYPES_KEYS + 3, num(db0.get("keys")));
    assertEquals(4 + 3, num(db0.get("with_expiry")));
    assertEquals(3, num(db0.get("expired")));
    Map<String, Object> db1 = map(map(f.get("dbs")).get("1"));
    assertEquals(SampleData.ALL_TYPES_KEYS, num(db1.get("keys")));
    assertEquals(4, num(db1.get("with_expiry")));
    assertEquals(0, num(db1.get("expired")));
    assertEquals(
        Map.of(
            "string", 9L, "list", 2L, "set", 3L, "zset", 2L, "hash", 3L, "stream", 2L, "module",
            0L),
        longs(db1.get("types")));
    assertEquals(12, num(map(map(db0.get("types"))).get("string")));
    assertEquals("verified", f.get("checksum"));
    assertEquals(Set.of("0", "1"), map(f.get("dbs")).keySet());

    Tool.Result text = run(later(), "inspect", file.toString());
    assertEquals(0, text.exit(), text::toString);
    assertTrue(
        text.out()
            .contains(
                "db 0: 24 keys (string 12, list 2, set 3, zset 2, hash 3, stream 2),"
                    + " 7 with expiry, 3 expired"),
        text.out());
    assertTrue(text.out().contains("checksum       verified"), text.out());
    assertTrue(text.out().contains("redis-ver = 7."), text.out());
  }

  @Test
  void listsTheTenBiggestKeysBiggestFirst() {
    Random random = new Random(6);
    try (Jedis j = source.server().client()) {
      SampleData.fillStrings(j, "small:", 50);
      // Random bytes do not compress, so payload sizes follow value sizes.
      for (int i = 1; i <= 12; i++) {
        byte[] value = new byte[i * 1000];
        random.nextBytes(value);
        if (i == 12) {
          j.select(2);
        }
        j.set(("big:" + i).getBytes(StandardCharsets.UTF_8), value);
      }
    }
    Path file = source.server().saveTo(tmp.resolve("big.rdb"));

    Map<String, Object> f = onlyFile(run(Instant.now(), "inspect", "--json", file.toString()));

    List<Object> biggest = list(f.get("biggest_keys"));
    List<String> names = new ArrayList<>();
    long previous = Long.MAX_VALUE;
    for (Object o : biggest) {
      Map<String, Object> k = map(o);
      names.add(k.get("key") + "@" + num(k.get("db")));
      assertEquals("string", k.get("type"));
      long size = num(k.get("size"));
      assertTrue(size < previous, "biggest first: " + biggest);
      previous = size;
    }
    assertEquals(
        List.of(
            "big:12@2",
            "big:11@0",
            "big:10@0",
            "big:9@0",
            "big:8@0",
            "big:7@0",
            "big:6@0",
            "big:5@0",
            "big:4@0",
            "big:3@0"),
        names);
    assertTrue(num(map(biggest.get(0)).get("size")) > 12_000, biggest::toString);

    Tool.Result text = run(Instant.now(), "inspect", file.toString());
    String out = text.out();
    assertTrue(out.indexOf("\"big:12\"") < out.indexOf("\"big:11\""), out);
    assertTrue(out.contains("db 2   string  \"big:12\""), out);
    assertFalse(out.contains("\"big:2\""), out);
  }

  @Test
  void jsonHasTheDocumentedFields() {
    String code =
        "#!lua name=inspectlib\nredis.register_function('inspect_echo', function(k, a) return"
            + " a[1] end)";
    Path file;
    try (Jedis j = source.server().client()) {
      SampleData.fillAllTypes(j, "");
      j.functionLoad(code);
      file = source.server().saveTo(tmp.resolve("fields.rdb"));
      j.functionFlush();
    }

    Tool.Result r = run(Instant.now(), "inspect", "--json", file.toString());

    Map<String, Object> top = JsonText.object(r.out());
    assertEquals(TOP_FIELDS, List.copyOf(top.keySet()));
    Map<String, Object> f = onlyFile(r);
    assertEquals(FILE_FIELDS, List.copyOf(f.keySet()));
    assertEquals(file.toString(), f.get("file"));
    assertEquals(fileSize(file), num(f.get("size_bytes")));
    assertEquals("REDIS", f.get("magic"));
    assertTrue(num(f.get("rdb_version")) >= 10, f::toString);
    assertTrue(map(f.get("aux")).get("redis-ver").toString().startsWith("7."), f::toString);
    assertEquals(TYPES, List.copyOf(map(f.get("types")).keySet()));
    assertEquals(COUNT_FIELDS, List.copyOf(map(map(f.get("dbs")).get("0")).keySet()));
    assertEquals(
        List.of("db", "key", "type", "size"),
        List.copyOf(map(list(f.get("biggest_keys")).get(0)).keySet()));
    assertEquals(Map.of(), f.get("module_types"));
    Map<String, Object> functions = map(f.get("functions"));
    assertEquals(1, num(functions.get("count")));
    assertEquals(List.of("inspectlib"), functions.get("libraries"));
  }

  @Test
  void docsPageDocumentsEveryJsonField() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("README.md")) || !Files.isDirectory(dir.resolve("app"))) {
      dir = dir.getParent();
    }
    String section = readString(dir.resolve("docs/inspect.md"));
    for (String field : TOP_FIELDS) {
      assertTrue(section.contains("| `" + field + "` |"), field);
    }
    for (String field : FILE_FIELDS) {
      assertTrue(section.contains("| `" + field + "` |"), field);
    }
    for (String field : TYPES) {
      assertTrue(section.contains("`" + field + "`"), field);
    }
  }

  private static long fileSize(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void readsGzipFilesLikePlainOnes() throws IOException {
    Path plain = sampleRdb();
    Path gz = tmp.resolve("sample.rdb.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(plain, out);
    }
    Instant now = later();

    Tool.Result r = run(now, "inspect", "--json", plain.toString(), gz.toString());

    assertEquals(0, r.exit(), r::toString);
    List<Object> files = list(JsonText.object(r.out()).get("files"));
    Map<String, Object> p = map(files.get(0));
    Map<String, Object> g = map(files.get(1));
    assertEquals(fileSize(gz), num(g.get("size_bytes")));
    for (String field : List.of("keys", "with_expiry", "expired", "dbs", "aux", "checksum")) {
      assertEquals(p.get(field), g.get(field), field);
    }
    assertEquals(2L * SampleData.ALL_TYPES_KEYS + 3, num(g.get("keys")));
  }

  @Test
  void badFilesExit5WithTheSameMessageAsRdb() throws IOException {
    Path file = sampleRdb();
    byte[] bytes = Files.readAllBytes(file);
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 0x01;
    Path corrupt = Files.write(tmp.resolve("corrupt.rdb"), flipped);
    Path cut = Files.write(tmp.resolve("cut.rdb"), Arrays.copyOf(bytes, bytes.length / 2));
    Path text = Files.writeString(tmp.resolve("notes.rdb"), "these are not the keys you want\n");
    Path missing = tmp.resolve("nope.rdb");

    for (Path bad : List.of(corrupt, cut, text, missing)) {
      Tool.Result inspect = run(Instant.now(), "inspect", file.toString(), bad.toString());
      Tool.Result rdb =
          run(
              Instant.now(),
              "rdb",
              "--to",
              "redis://127.0.0.1:1",
              "--error-log",
              tmp.resolve("errors.log").toString(),
              bad.toString());

      assertEquals(5, inspect.exit(), inspect::toString);
      assertEquals("", inspect.out(), "nothing described when a file is bad");
      assertEquals(1, inspect.err().strip().lines().count(), inspect::toString);
      assertTrue(inspect.err().startsWith("error: " + bad), inspect::toString);
      assertTrue(rdb.err().contains(inspect.err().strip()), inspect + "\n" + rdb);
    }
  }

  @Test
  void generatedCorpusFileMatchesItsManifest() {
    Path dir = SharedDir.corpus().resolve("generated/redis-7.4.1");
    Map<String, Object> manifest = JsonText.object(readString(dir.resolve("manifest.json")));
    Map<String, Object> expected = JsonText.object(readString(dir.resolve("expected.json")));

    Map<String, Object> f =
        onlyFile(run(Instant.now(), "inspect", "--json", dir.resolve("dump.rdb").toString()));

    Map<String, Object> dbsize = map(map(manifest.get("fill")).get("dbsize"));
    Map<String, Object> dbs = map(f.get("dbs"));
    assertEquals(dbsize.keySet(), dbs.keySet());
    dbsize.forEach((db, n) -> assertEquals(num(n), num(map(dbs.get(db)).get("keys")), "db " + db));
    assertEquals(num(map(manifest.get("roundtrip")).get("expected_keys")), num(f.get("keys")));
    Map<String, Object> rdb = map(manifest.get("rdb"));
    assertEquals(num(rdb.get("version")), num(f.get("rdb_version")));
    assertEquals(rdb.get("magic"), f.get("magic"));
    assertEquals(num(rdb.get("size")), num(f.get("size_bytes")));
    assertEquals(
        map(map(manifest.get("fill")).get("server")).get("redis_version"),
        map(f.get("aux")).get("redis-ver"));
    long withExpiry =
        list(expected.get("keys")).stream().filter(k -> map(k).get("expire_at_ms") != null).count();
    assertEquals(withExpiry, num(f.get("with_expiry")));
    List<Object> libraries =
        list(expected.get("functions")).stream().map(l -> map(l).get("library_name")).toList();
    Map<String, Object> functions = map(f.get("functions"));
    assertEquals(libraries.size(), num(functions.get("count")));
    assertEquals(Set.copyOf(libraries), Set.copyOf(list(functions.get("libraries"))));
    assertEquals("verified", f.get("checksum"));
  }

  @Test
  void namesModuleTypesFromTheCorpusFiles() {
    Path file = SharedDir.corpus().resolve("public/RedisJSON--RedisJSON--backward.rdb");

    Map<String, Object> f = onlyFile(run(Instant.now(), "inspect", "--json", file.toString()));

    assertEquals(2, num(map(f.get("types")).get("module")));
    Map<String, Object> modules = map(f.get("module_types"));
    assertEquals(Set.of("ReJSON-RL"), modules.keySet());
    assertEquals(2, num(modules.get("ReJSON-RL")));
  }

  @Test
  void describesRedis86FilesAndCountsTheirStreamsWithIdmpState() {
    Path file = SharedDir.corpus().resolve("public/redis--librdb--stream_v13.rdb");

    Tool.Result text = run(Instant.now(), "inspect", file.toString());
    Map<String, Object> f = onlyFile(run(Instant.now(), "inspect", "--json", file.toString()));

    assertEquals(0, text.exit(), text::toString);
    assertTrue(text.out().contains("rdb version    13"), text.out());
    // 28 of the 49 streams remember idempotent ids (librdb's reading); the others' state is empty.
    assertTrue(text.out().contains("IDMP streams   28 with idempotent-producer state"), text.out());
    assertEquals(13, num(f.get("rdb_version")));
    assertEquals(49, num(map(f.get("types")).get("stream")));
    assertEquals(28, num(f.get("idmp_streams")));
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void helpDescribesTheCommand() {
    Tool.Result r = Tool.run("inspect", "--help");

    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("--json"), r.out());
    assertTrue(r.out().contains("biggest keys"), r.out());
  }
}
