package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Patterns with bytes that are not valid UTF-8 (issue: `--match $'h\xe9llo'` matched nothing): the
 * JVM hands such an argument over as U+FFFD, so it is refused with the hex form to use, and {@code
 * --match-hex}, {@code SCAN_MATCH_PATTERN_HEX} and {@code --rename-prefix-hex} carry any byte to
 * the matcher and to SCAN MATCH, as Redis' own {@code SCAN MATCH} takes them.
 */
class BytePatternsIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  private static final byte[] LATIN1_KEY = {'h', (byte) 0xe9, 'l', 'l', 'o'};
  private static final String LATIN1_HEX = "68e96c6c6f";

  @TempDir Path tmp;

  @BeforeEach
  void fill() {
    try (Jedis s = source.server().client()) {
      s.flushAll();
      s.set(LATIN1_KEY, "latin-1".getBytes());
      s.set("héllo", "utf-8");
      s.set("hello", "ascii");
    }
    dest.server().flushAll();
  }

  private Set<String> destinationKeys() {
    try (Jedis d = dest.server().client()) {
      return DatasetAssert.keys(d);
    }
  }

  private static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void scanAndRdbSelectTheExactBytesGivenInHex() {
    Tool.Result scan =
        Run.scan(source.uri()).to(dest.uri()).args("--match-hex", LATIN1_HEX).inProcess();
    assertEquals(0, scan.exit(), scan::toString);
    assertEquals(Set.of(LATIN1_HEX), destinationKeys());

    dest.server().flushAll();
    Path file = source.server().saveTo(tmp.resolve("d.rdb"));
    Tool.Result rdb =
        Run.rdb(file)
            .to(dest.uri())
            .errorLog(tmp.resolve("e.log"))
            .env(Map.of("SCAN_MATCH_PATTERN_HEX", "68e92a"))
            .inProcess();
    assertEquals(0, rdb.exit(), rdb::toString);
    assertEquals(Set.of(LATIN1_HEX), destinationKeys());

    Tool.Result verify =
        Run.verify(file.toString()).to(dest.uri()).args("--match-hex", "68e92a").inProcess();
    assertEquals(0, verify.exit(), verify::toString);
  }

  @Test
  void aPatternTheJvmDamagedIsRefusedWithItsHexFormAndNothingIsWritten() {
    // What the JVM makes of `--match $'h\xe9llo'` under C and C.UTF-8 alike.
    Tool.Result r = Run.scan(source.uri()).to(dest.uri()).args("--match", "h\uFFFDllo").inProcess();

    assertEquals(ExitCode.USAGE, r.exit(), r::toString);
    assertTrue(
        r.err().contains("--match has a byte that is not valid UTF-8")
            && r.err().contains("--match-hex (here 68??6c6c6f"),
        r.err());
    assertEquals(Set.of(), destinationKeys());

    Tool.Result both =
        Run.scan(source.uri())
            .to(dest.uri())
            .args("--match", "h*", "--match-hex", "68")
            .inProcess();
    assertEquals(ExitCode.USAGE, both.exit(), both::toString);
    assertTrue(both.err().contains("not both"), both.err());

    Tool.Result notHex =
        Run.scan(source.uri()).to(dest.uri()).args("--match-hex", "6g").inProcess();
    assertEquals(ExitCode.USAGE, notHex.exit(), notHex::toString);
    assertTrue(notHex.err().contains("--match-hex '6g' is not hex"), notHex.err());
    assertEquals(Set.of(), destinationKeys());
  }

  @Test
  void aRenamePrefixInHexRenamesTheBinaryKeyOnly() {
    Tool.Result r =
        Run.scan(source.uri())
            .to(dest.uri())
            .args("--rename-prefix-hex", "68e9=" + hex("x:"))
            .inProcess();
    assertEquals(0, r.exit(), r::toString);
    assertEquals(Set.of(hex("x:llo"), hex("héllo"), hex("hello")), destinationKeys());

    dest.server().flushAll();
    Tool.Result damaged =
        Run.scan(source.uri()).to(dest.uri()).args("--rename-prefix", "h\uFFFD=x:").inProcess();
    assertEquals(ExitCode.USAGE, damaged.exit(), damaged::toString);
    assertTrue(damaged.err().contains("--rename-prefix-hex"), damaged.err());
    assertEquals(Set.of(), destinationKeys());
  }
}
