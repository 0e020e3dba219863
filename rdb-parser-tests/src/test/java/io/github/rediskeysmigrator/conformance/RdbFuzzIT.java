package io.github.rediskeysmigrator.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisRdbReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.event.AbstractEvent;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;
import io.github.rediskeysmigrator.cli.Cli;
import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.rdb.Crc64;
import io.github.rediskeysmigrator.rdb.PayloadRdbVisitor;
import io.github.rediskeysmigrator.rdb.RdbEncoding;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import io.github.rediskeysmigrator.testing.SharedDir;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Bad input at scale: valid RDB files, mutated (bit flips, overwritten bytes, truncation at every
 * record boundary, appended garbage), through the {@code rdb} command in-process, with and without
 * {@code --skip-checksum}. Every run must end with exit 5 and one clear {@code error:} line naming
 * the file, or with a correct migration (exit 0, or exit 1 with the refused keys in the error log);
 * never a crash, a hang, a stack trace, or a key at the destination that the unmutated file does
 * not hold. Cases are generated from a fixed seed ({@code -Drkm.fuzz.seed=N} picks another); each
 * test's name carries the seed of its mutation, so a failure reproduces alone.
 */
class RdbFuzzIT {
  private static final long SEED = Long.getLong("rkm.fuzz.seed", 20261126L);

  /** Per run; the unmutated files migrate in well under a second. */
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private static final int RDB_HEADER = 9;

  /** A Java class name, package path or stack frame: what the user must never see on stderr. */
  private static final Pattern JAVA_TRACE =
      Pattern.compile(
          "(?m)^\\s+at \\S+\\(|\\b(java|javax|com\\.moilioncircle|io\\.github)\\.\\w+"
              + "|\\b\\w+(Exception|Error)\\b");

  /**
   * Deep payload checks on RESTORE: a value whose inside was corrupted is refused (a key error)
   * instead of being stored, and cannot bring the destination down.
   */
  @RegisterExtension
  static final RedisServerExtension dest =
      RedisServerExtension.debian("--sanitize-dump-payload", "yes");

  @TempDir static Path work;

  private static StderrLog log;
  private static final List<Source> sources = new ArrayList<>();
  private static final Map<String, AtomicInteger> outcomes = new TreeMap<>();

  /** What a mutation does to the file, which decides what the destination may hold after. */
  enum Kind {
    FLIP,
    OVERWRITE,
    TRUNCATE,
    APPEND
  }

  /**
   * One mutated copy of a source file.
   *
   * @param kind what was done
   * @param offset the first byte that differs from the source (its length for an append)
   * @param data the mutated file
   * @param label how the test names it
   */
  record Mutant(Kind kind, long offset, byte[] data, String label) {}

  /**
   * A valid source file and what migrating it unmutated puts at the destination.
   *
   * @param name short name for test names
   * @param bytes the file
   * @param boundaries end offsets of the header, each AUX field, each key and function record
   * @param keyEnds per key (db:hex name), where its record ends
   * @param reference destination content after migrating the unmutated file: db:hex name to DUMP
   *     and absolute expiry
   * @param checksummed whether the file carries a CRC64 the pre-check verifies
   */
  record Source(
      String name,
      byte[] bytes,
      List<Long> boundaries,
      Map<String, Long> keyEnds,
      Map<String, String> reference,
      boolean checksummed) {}

  @BeforeAll
  static void prepare() throws Exception {
    log = new StderrLog();
    // A file from the destination's own version, every type and encoding it writes.
    try (Jedis j = dest.server().client()) {
      SampleData.fillAllTypes(j, "fuzz:");
    }
    Path sample = dest.server().saveTo(work.resolve("all-types-7.0.15.rdb"));
    dest.server().flushAll();
    Path pub = SharedDir.corpus().resolve("public");
    sources.add(source("all-types-7.0.15", sample));
    // Older layouts: ziplists and intsets (RDB 9), listpacks (RDB 10).
    sources.add(source("memory-rdb9", pub.resolve("HDT3213--rdb--memory.rdb")));
    sources.add(source("listpack-rdb10", pub.resolve("HDT3213--rdb--listpack.rdb")));
    // Valkey 9's own layout: magic, slot-import opcode, hashes of type 22.
    sources.add(source("valkey9", Files.write(work.resolve("valkey9.rdb"), valkeyNine())));
    System.out.println("RdbFuzzIT: seed " + SEED + " (-Drkm.fuzz.seed=N for another)");
  }

  @AfterAll
  static void summary() {
    if (log != null) {
      log.close();
    }
    StringBuilder sb = new StringBuilder("RdbFuzzIT outcomes (seed " + SEED + "):\n");
    outcomes.forEach((k, v) -> sb.append(String.format("  %-50s %5d%n", k, v.get())));
    System.out.print(sb);
    System.out.flush();
  }

  /**
   * A Valkey 9 file ({@code VALKEY080}) whose keys all migrate into 7.0.15: a slot import under way
   * (opcode 243), a string, a string with a TTL, a list, and two hashes of Valkey's type 22 (field,
   * value, absolute expiry), one without field TTLs and one whose fields all expired in 1970.
   */
  private static byte[] valkeyNine() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes("VALKEY080".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    aux(out, "valkey-ver", "9.0.3");
    aux(out, "redis-bits", "64");
    out.write(243);
    str(out, "f7acd40f147a6f3d4a2123d48c25d72ede295b98");
    out.writeBytes(RdbEncoding.length(1));
    out.writeBytes(RdbEncoding.length(100));
    out.writeBytes(RdbEncoding.length(16383));
    out.write(0xfe);
    out.writeBytes(RdbEncoding.length(0));
    aux(out, "slot-info", "16383,5,1,0");
    out.write(0);
    str(out, "v9:s");
    str(out, "a value of Valkey 9");
    out.write(0xfc);
    out.writeBytes(RdbEncoding.int64(4102444800000L));
    out.write(0);
    str(out, "v9:ttl");
    str(out, "expires in 2100");
    out.write(1);
    str(out, "v9:l");
    out.writeBytes(RdbEncoding.length(3));
    for (String e : new String[] {"a", "bb", "ccc"}) {
      str(out, e);
    }
    valkeyHash(out, "v9:h", -1);
    valkeyHash(out, "v9:gone", 1000);
    out.write(0xff);
    out.writeBytes(RdbEncoding.int64(Crc64.of(out.toByteArray())));
    return out.toByteArray();
  }

  private static void valkeyHash(java.io.ByteArrayOutputStream out, String key, long expiry) {
    out.write(22);
    str(out, key);
    out.writeBytes(RdbEncoding.length(3));
    for (int i = 1; i <= 3; i++) {
      str(out, "field-" + i);
      str(out, "value-" + i);
      out.writeBytes(RdbEncoding.int64(expiry));
    }
  }

  private static void aux(java.io.ByteArrayOutputStream out, String name, String value) {
    out.write(0xfa);
    str(out, name);
    str(out, value);
  }

  private static void str(java.io.ByteArrayOutputStream out, String s) {
    out.writeBytes(RdbEncoding.string(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static Source source(String name, Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    List<Long> boundaries = new ArrayList<>();
    Map<String, Long> keyEnds = new TreeMap<>();
    boundaries.add((long) RDB_HEADER);
    Replicator r =
        new RedisRdbReplicator(new ByteArrayInputStream(bytes), Configuration.defaultSetting());
    r.setRdbVisitor(new PayloadRdbVisitor(r));
    // Counted here from the raw bytes, apart from the reader's own position, so the offsets the
    // tool reports cannot agree with this test by sharing a mistake.
    long[] consumed = {0};
    r.addRawByteListener(b -> consumed[0] += b.length);
    r.addEventListener(
        (rep, event) -> {
          if (event instanceof AbstractEvent e && e.getContext() != null) {
            long end = consumed[0];
            if (end > RDB_HEADER && end < bytes.length) {
              boundaries.add(end);
            }
            if (event instanceof DumpKeyValuePair kv) {
              keyEnds.put(id(kv.getDb().getDbNumber(), kv.getKey()), end);
            }
          }
        });
    r.open();
    String sum = HexFormat.of().formatHex(bytes, bytes.length - 8, bytes.length);
    boolean checksummed = !sum.equals("0000000000000000");
    Path copy = work.resolve(name + ".rdb");
    if (!copy.equals(file)) {
      Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    Cli.Result ref =
        Cli.run(LIMIT, "rdb", copy.toString(), "--to", dest.uri(), "--progress", "never");
    assertEquals(0, ref.exit(), "the unmutated " + name + " migrates: " + ref);
    Map<String, String> reference = snapshot();
    assertFalse(reference.isEmpty(), "the unmutated " + name + " puts keys at the destination");
    dest.server().flushAll();
    return new Source(
        name,
        bytes,
        List.copyOf(new TreeSet<>(boundaries)),
        Map.copyOf(keyEnds),
        Map.copyOf(reference),
        checksummed);
  }

  private static String id(long db, byte[] key) {
    return db + ":" + HexFormat.of().formatHex(key);
  }

  /** Every key at the destination: db:hex name to hex DUMP and absolute expiry. */
  private static Map<String, String> snapshot() {
    Map<String, String> keys = new TreeMap<>();
    try (Jedis j = dest.server().client()) {
      for (int db = 0; db < 16; db++) {
        j.select(db);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<byte[]> page = j.scan(cursor.getBytes(), new ScanParams().count(1000));
          for (byte[] key : page.getResult()) {
            byte[] dump = j.dump(key);
            long expiry = j.pexpireTime(key);
            keys.put(id(db, key), HexFormat.of().formatHex(dump) + "@" + expiry);
          }
          cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      }
    }
    return keys;
  }

  @TestFactory
  Stream<DynamicNode> mutatedFiles() {
    Random seeds = new Random(SEED);
    List<DynamicNode> nodes = new ArrayList<>();
    for (Source s : sources) {
      for (boolean skipChecksum : new boolean[] {true, false}) {
        List<Mutant> mutants = mutants(s, skipChecksum, seeds);
        String mode = skipChecksum ? "--skip-checksum" : "checksum verified";
        nodes.add(
            DynamicContainer.dynamicContainer(
                s.name() + ", " + mode,
                mutants.stream()
                    .map(
                        m -> DynamicTest.dynamicTest(m.label(), () -> check(s, m, skipChecksum)))));
      }
    }
    return nodes.stream();
  }

  /**
   * The cases for one source and mode. Without --skip-checksum the pre-check refuses them all, so
   * fewer are spent there; with it the parser itself meets the damage.
   */
  private static List<Mutant> mutants(Source s, boolean skipChecksum, Random seeds) {
    List<Mutant> out = new ArrayList<>();
    int flips = skipChecksum ? 30 : 8;
    int overwrites = skipChecksum ? 20 : 6;
    int appends = skipChecksum ? 3 : 2;
    for (int i = 0; i < flips; i++) {
      out.add(flip(s.bytes(), seeds.nextLong()));
    }
    for (int i = 0; i < overwrites; i++) {
      out.add(overwrite(s.bytes(), seeds.nextLong()));
    }
    // Most random offsets land inside big values; these hit opcodes, type bytes, lengths.
    int structural = skipChecksum ? 25 : 4;
    for (int i = 0; i < structural; i++) {
      out.add(nearRecordStart(s, seeds.nextLong()));
    }
    int hugeLengths = skipChecksum ? 12 : 2;
    for (int i = 0; i < hugeLengths; i++) {
      out.add(hugeLength(s, seeds.nextLong()));
    }
    // Every record boundary with --skip-checksum; every third without.
    List<Long> cuts = s.boundaries();
    for (int i = 0; i < cuts.size(); i += skipChecksum ? 1 : 3) {
      out.add(truncate(s.bytes(), cuts.get(i)));
    }
    // Inside the trailer: the end marker kept, the checksum cut short.
    out.add(truncate(s.bytes(), s.bytes().length - 4));
    for (int i = 0; i < appends; i++) {
      out.add(append(s.bytes(), seeds.nextLong()));
    }
    return out;
  }

  private static Mutant flip(byte[] src, long seed) {
    Random r = new Random(seed);
    int at = r.nextInt(src.length);
    int bit = r.nextInt(8);
    byte[] data = src.clone();
    data[at] ^= (byte) (1 << bit);
    return new Mutant(
        Kind.FLIP, at, data, "flip bit " + bit + " at " + at + " (seed " + seed + ")");
  }

  private static Mutant overwrite(byte[] src, long seed) {
    Random r = new Random(seed);
    int at = r.nextInt(src.length);
    byte[] data = src.clone();
    // A different byte, so the file always changes.
    data[at] = (byte) (src[at] + 1 + r.nextInt(255));
    return new Mutant(
        Kind.OVERWRITE,
        at,
        data,
        String.format("byte at %d: %02x -> %02x (seed %d)", at, src[at], data[at], seed));
  }

  private static Mutant nearRecordStart(Source s, long seed) {
    Random r = new Random(seed);
    long boundary = s.boundaries().get(r.nextInt(s.boundaries().size()));
    int at = (int) Math.min(boundary + r.nextInt(12), s.bytes().length - 1);
    byte[] data = s.bytes().clone();
    data[at] = (byte) (data[at] + 1 + r.nextInt(255));
    return new Mutant(
        Kind.OVERWRITE,
        at,
        data,
        String.format(
            "byte at %d (record start + %d): %02x -> %02x (seed %d)",
            at, at - boundary, s.bytes()[at], data[at], seed));
  }

  /** A 32- or 64-bit RDB length (up to 2^63) written over the bytes after a record start. */
  private static Mutant hugeLength(Source s, long seed) {
    Random r = new Random(seed);
    long boundary = s.boundaries().get(r.nextInt(s.boundaries().size()));
    boolean wide = r.nextBoolean();
    byte[] length = new byte[wide ? 9 : 5];
    length[0] = (byte) (wide ? 0x81 : 0x80);
    for (int i = 1; i < length.length; i++) {
      length[i] = (byte) (i == 1 ? 0x7f : 0xff);
    }
    int at = (int) Math.min(boundary + 1 + r.nextInt(16), s.bytes().length - length.length);
    byte[] data = s.bytes().clone();
    System.arraycopy(length, 0, data, at, length.length);
    return new Mutant(
        Kind.OVERWRITE,
        at,
        data,
        (wide ? "64" : "32") + "-bit length 0x7fff... at " + at + " (seed " + seed + ")");
  }

  private static Mutant truncate(byte[] src, long length) {
    return new Mutant(
        Kind.TRUNCATE,
        length,
        Arrays.copyOf(src, (int) length),
        "truncated to " + length + " of " + src.length + " bytes");
  }

  private static Mutant append(byte[] src, long seed) {
    Random r = new Random(seed);
    byte[] garbage = new byte[1 + r.nextInt(64)];
    r.nextBytes(garbage);
    byte[] data = Arrays.copyOf(src, src.length + garbage.length);
    System.arraycopy(garbage, 0, data, src.length, garbage.length);
    return new Mutant(
        Kind.APPEND,
        src.length,
        data,
        garbage.length + " garbage bytes appended (seed " + seed + ")");
  }

  private static void check(Source s, Mutant m, boolean skipChecksum) throws Exception {
    Path dir = Files.createTempDirectory(work, "case-");
    Path file = dir.resolve(s.name() + "-mutant.rdb");
    Files.write(file, m.data());
    Path report = dir.resolve("report.json");
    Path errors = dir.resolve("errors.log");
    dest.server().flushAll();
    log.clear();
    List<String> args =
        new ArrayList<>(
            List.of(
                "rdb",
                file.toString(),
                "--to",
                dest.uri(),
                "--progress",
                "never",
                "--report",
                report.toString(),
                "--error-log",
                errors.toString()));
    if (skipChecksum) {
      args.add("--skip-checksum");
    }
    Cli.Result r = Cli.run(LIMIT, args.toArray(String[]::new));
    List<String> problems = new ArrayList<>();
    if (r.timedOut()) {
      problems.add("still running after " + LIMIT.toSeconds() + " s");
    }
    if (r.crash() != null) {
      problems.add("crashed: " + r.crash());
    }
    int exit = r.exit();
    List<String> errorLines = r.err().lines().filter(l -> l.startsWith("error:")).toList();
    // A damaged SELECTDB opcode can name a db the destination does not have: that stops the run
    // with exit 3 and a line that says so (a file that really has such a db stops the same way).
    boolean dbRefused =
        exit == 3 && errorLines.size() == 1 && errorLines.get(0).contains("refused SELECT");
    if (exit != 0 && exit != 1 && exit != 5 && !dbRefused) {
      problems.add("exit " + exit + ", expected 0, 1 or 5");
    }
    Matcher trace = JAVA_TRACE.matcher(r.err());
    if (trace.find()) {
      problems.add("stderr shows Java internals ('" + trace.group() + "')");
    }
    String logged = log.firstStackTrace();
    if (logged != null) {
      problems.add("logged a stack trace: " + logged);
    }
    if (exit == 5) {
      if (errorLines.size() != 1) {
        problems.add(errorLines.size() + " error: lines on stderr, expected 1");
      } else if (!errorLines.get(0).contains(file.toString())) {
        problems.add("the error line does not name " + file);
      }
    }

    Map<String, String> landed = snapshot();
    if (Files.exists(report)) {
      Map<String, Object> json = JsonText.object(Files.readString(report));
      long read = count(json, "read");
      long written = count(json, "written");
      long sum =
          written
              + count(json, "skipped_existing")
              + count(json, "skipped_expired")
              + count(json, "skipped_gone")
              + count(json, "filtered")
              + count(json, "errors");
      // The key whose SELECT the destination refused is booked as an error, like any other.
      if (read != sum) {
        problems.add("report: read " + read + " but the buckets add up to " + sum);
      }
      if (written != landed.size()) {
        problems.add("report: written " + written + " but " + landed.size() + " keys landed");
      }
      long failed = count(json, "errors") + count(json, "functions_failed");
      if (exit == 1 && failed == 0) {
        problems.add("exit 1 without a refused key or library in the report");
      }
      if (exit == 1 && (!Files.exists(errors) || Files.readAllLines(errors).size() < failed)) {
        problems.add("exit 1 but the error log does not list the " + failed + " refused keys");
      }
    } else if (exit == 0 || exit == 1) {
      problems.add("exit " + exit + " without a report");
    }

    // What may land: without the pre-check a changed byte may change a value (that is what
    // --skip-checksum accepts); everything else must be a key of the unmutated file, unchanged.
    boolean contentChanged =
        (skipChecksum || !s.checksummed()) && (m.kind() == Kind.FLIP || m.kind() == Kind.OVERWRITE);
    List<String> altered = new ArrayList<>();
    for (Map.Entry<String, String> e : landed.entrySet()) {
      if (!e.getValue().equals(s.reference().get(e.getKey()))) {
        altered.add(e.getKey());
      }
    }
    if (!altered.isEmpty() && !contentChanged) {
      problems.add("keys that differ from the unmutated file's: " + altered);
    }
    if (!skipChecksum && s.checksummed()) {
      if (exit != 5 || !landed.isEmpty()) {
        problems.add(
            "the checksum pre-check let it through: exit " + exit + ", " + landed.size() + " keys");
      }
    } else if (m.offset() >= RDB_HEADER && exit != -1) {
      // Bytes before the damage parse as before: the keys they hold are written, unchanged.
      List<String> lost = new ArrayList<>();
      s.keyEnds()
          .forEach(
              (key, end) -> {
                String want = s.reference().get(key);
                if (end <= m.offset() && want != null && !want.equals(landed.get(key))) {
                  lost.add(key);
                }
              });
      if (!lost.isEmpty()) {
        problems.add("keys before the damage at " + m.offset() + " missing or changed: " + lost);
      }
      if (exit == 0 && !contentChanged && !landed.equals(s.reference())) {
        problems.add("exit 0 but the destination differs from the unmutated file's migration");
      }
    }

    String outcome =
        (skipChecksum ? "skip-checksum " : "checksum ")
            + m.kind()
            + " exit "
            + exit
            + (altered.isEmpty() ? "" : " (values changed)");
    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
    if (!problems.isEmpty()) {
      fail(
          s.name()
              + ", "
              + m.label()
              + (skipChecksum ? ", --skip-checksum" : "")
              + " (seed "
              + SEED
              + "):\n  "
              + String.join("\n  ", problems)
              + "\n"
              + r);
    }
  }

  private static long count(Map<String, Object> json, String field) {
    Object v = json.get(field);
    return v instanceof BigDecimal d ? d.longValueExact() : -1;
  }
}
