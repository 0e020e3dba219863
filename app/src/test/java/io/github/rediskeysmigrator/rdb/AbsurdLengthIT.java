package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The packaged jar on RDB files whose length fields claim far more than the file holds, in a 64 MB
 * heap that dies at the first OutOfMemoryError: each file must end with exit 5 and a message naming
 * the length, the key before it written whole, and nothing else.
 */
class AbsurdLengthIT {
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  /** Any OutOfMemoryError, even a caught one, ends the JVM with exit 3 and says so on stderr. */
  private static final List<String> SMALL_HEAP =
      List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1");

  @TempDir Path tmp;

  @Test
  void everyAbsurdLengthEndsWithExit5WithoutAllocating() throws Exception {
    List<Path> files = new ArrayList<>();
    for (CorruptRdbTest.Absurd absurd : CorruptRdbTest.absurdFiles()) {
      files.add(Files.write(tmp.resolve(absurd.name().replace(' ', '_') + ".rdb"), absurd.rdb()));
    }
    int n = 0;
    for (byte[] name : CorruptRdbTest.absurdKeyNames()) {
      files.add(
          Files.write(tmp.resolve("key_name_" + n++ + ".rdb"), CorruptRdbTest.keyNameRdb(name)));
    }
    files.add(
        Files.write(
            tmp.resolve("gzip.rdb.gz"), RdbBytes.gzip(CorruptRdbTest.absurdFiles().get(0).rdb())));
    for (Path file : files) {
      dest.server().flushAll();
      Path report = tmp.resolve(file.getFileName() + ".json");
      int exit;
      String err;
      try (JarRun run =
          JarRun.start(
              tmp,
              Map.of(),
              SMALL_HEAP,
              "rdb",
              file.toString(),
              "--to",
              dest.uri(),
              "--report",
              report.toString(),
              "--error-log",
              tmp.resolve("e.log").toString())) {
        exit = run.waitFor(60);
        err = run.err();
        assertFalse(err.contains("OutOfMemoryError"), file + ":\n" + run);
        assertEquals(5, exit, file + ":\n" + run);
      }
      assertTrue(
          err.contains("is truncated or corrupt: a ")
              && (err.contains("bytes left") || err.contains("LZF")),
          err);
      assertTrue(err.contains("the last whole key, 'first'"), err);
      try (Jedis d = dest.server().client()) {
        ReportAssert.of(report).addsUp().exitCode(5).has("written", 1).writtenMatches(d, 0);
        assertEquals("v", d.get("first"));
        assertEquals(1, d.dbSize(), file.toString());
      }
    }
  }
}
