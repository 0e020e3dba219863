package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The packaged jar as a user runs it: a separate JVM, real exit codes, stdout vs stderr. */
class JarIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  private Run java(Map<String, String> env, String... args) throws Exception {
    String jar = System.getProperty("rkm.jar", "target/redis-keys-migrator.jar");
    List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(tmp.toFile())
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .redirectError(tmp.resolve("err.txt").toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the jar did not finish in 120 s");
    }
    return new Run(
        p.exitValue(),
        Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  @Test
  void versionAndHelpDescribeTheTool() throws Exception {
    Run v = java(Map.of(), "--version");
    assertEquals(0, v.exit(), v::toString);
    assertTrue(v.out().startsWith("redis-keys-migrator "), v.out());

    Run help = java(Map.of("PIPELINE_BATCH_SIZE", "250"), "rdb", "--help");
    assertEquals(0, help.exit(), help::toString);
    for (String variable : EnvDefaults.VARIABLES.values()) {
      if (!variable.equals("SCAN_BATCH_SIZE")) {
        assertTrue(help.out().contains(variable), variable + " in\n" + help.out());
      }
    }
    assertTrue(help.out().contains("default: 250"), help.out());
  }

  @Test
  void resultsGoToStdoutProgressAndErrorsToStderr() throws Exception {
    try (Jedis j = source.server().client()) {
      SampleData.fillAllTypes(j, "");
    }
    Path file = source.server().saveTo(tmp.resolve("dump.rdb"));

    Run r = java(Map.of(), "rdb", file.toString(), "--to", dest.uri(), "--progress", "always");

    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("written              " + SampleData.ALL_TYPES_KEYS), r.out());
    assertTrue(r.err().contains("keys " + SampleData.ALL_TYPES_KEYS), r.err());
    assertFalse(r.out().contains("keys/s |"), r.out());
    // The error log is created in the working directory under the original script's name.
    assertTrue(Files.exists(tmp.resolve("redis-keys-migrator-error.log")));

    Run bad = java(Map.of(), "rdb", tmp.resolve("missing.rdb").toString(), "--to", dest.uri());
    assertEquals(5, bad.exit(), bad::toString);
    assertTrue(bad.err().startsWith("error: "), bad.err());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());

    Run usage = java(Map.of(), "rdb", "--pipeline", "many", file.toString());
    assertEquals(2, usage.exit(), usage::toString);
  }

  @Test
  void sigtermStopsAfterFlushingAndReportsExactlyWhatWasWritten() throws Exception {
    try (Jedis j = source.server().client()) {
      SampleData.fillStrings(j, "k", 20_000);
    }
    Path file = source.server().saveTo(tmp.resolve("dump.rdb"));
    String jar = System.getProperty("rkm.jar", "target/redis-keys-migrator.jar");
    Process p =
        new ProcessBuilder(
                "java",
                "-jar",
                jar,
                "rdb",
                file.toString(),
                "--to",
                dest.uri(),
                "--max-rate",
                "2000",
                "--pipeline",
                "100",
                "--report",
                tmp.resolve("r.json").toString())
            .directory(tmp.toFile())
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .redirectError(tmp.resolve("err.txt").toFile())
            .start();
    try (Jedis d = dest.server().client()) {
      Await.until(
          "the first 1000 keys",
          Duration.ofSeconds(30),
          () -> {
            assertTrue(p.isAlive(), "the run ended before its first 1000 keys");
            return d.dbSize() >= 1000;
          });
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exited after the signal");
      assertEquals(130, p.exitValue(), Files.readString(tmp.resolve("err.txt")));
      String json = Files.readString(tmp.resolve("r.json"));
      long written = Long.parseLong(json.replaceAll(".*\"written\":(\\d+).*\\s*", "$1"));
      long read = Long.parseLong(json.replaceAll(".*\"read\":(\\d+).*\\s*", "$1"));
      assertEquals(d.dbSize(), written, json);
      assertEquals(read, written, json);
      assertTrue(written < 20_000, json);
      assertTrue(json.contains("\"exit_code\":130}"), json);
    }
  }

  @Test
  void noArgumentsShowsUsage() throws IOException, Exception {
    Run r = java(Map.of());
    assertTrue(r.err().contains("rdb"), r::toString);
  }
}
