package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * The bad-input and fault cases of the README's exit code table, one row each, run as a user would
 * against real servers: the exit code, the line on stderr, what reached the destination and the
 * report's totals. A bad output path or variable is exit 2 and one line before anything reaches the
 * destination, a variable is refused exactly like its option, and a report that cannot be written
 * at the end is exit 74. Rows here cover exit codes 0, 1, 2, 3, 4, 5, 6 and 74; the cases that need
 * a replica, a killed server or a signal have tests of their own: a read-only replica and a
 * destination killed mid-run (3, not 4) in {@link StopReasonsIT}, a source that cannot continue
 * from the checkpoint (7) in {@link SyncCommandIT}, SIGINT/SIGTERM (130) in {@link JarIT}, and
 * totals that do not add up (70) in {@code MigrationStopTest}; every run of the tool in any test
 * has its report's totals checked ({@code ReportAssert.ifWritten}).
 */
class OutputsAndEnvIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  private static final int KEYS = 20;

  @TempDir Path tmp;

  /**
   * One case. Placeholders in env values, args and message: {tmp}, {rdb} (a file of {@link #KEYS}
   * keys), {to}, {from}, {destPort}, {busy} (a port some other process listens on).
   *
   * @param exit the exit code the run must return
   * @param message what stderr must hold
   * @param destKeys the keys the destination must hold afterwards, or -1 when only the report's
   *     written count is checked against it (a run stopped partway)
   * @param reportExit exit_code of {tmp}/report.json, or null when there must be none
   * @param option for a variable's row: the same value given as an option, which must fail the same
   *     way with the same first line
   * @param destBefore prepares the destination (a key, an ACL user) before the run
   * @param destAfter undoes what {@code destBefore} did that a flush does not
   */
  record Row(
      String name,
      Map<String, String> env,
      List<String> args,
      int exit,
      String message,
      long destKeys,
      Integer reportExit,
      List<String> option,
      Consumer<Jedis> destBefore,
      Consumer<Jedis> destAfter) {
    Row(
        String name,
        Map<String, String> env,
        List<String> args,
        int exit,
        String message,
        long destKeys,
        Integer reportExit,
        List<String> option) {
      this(name, env, args, exit, message, destKeys, reportExit, option, d -> {}, d -> {});
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<String> RDB =
      List.of("rdb", "{rdb}", "--progress", "never", "--error-log", "{tmp}/errors.log");
  private static final List<String> REPORT = List.of("--report", "{tmp}/report.json");
  private static final List<String> SYNC =
      List.of(
          "sync",
          "--from",
          "{from}",
          "--to",
          "{to}",
          "--snapshot-only",
          "--progress",
          "never",
          "--error-log",
          "{tmp}/errors.log");

  @SafeVarargs
  private static List<String> args(List<String>... parts) {
    return Stream.of(parts).flatMap(List::stream).toList();
  }

  private static Map<String, String> destEnv(String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("DESTINATION_REDIS_HOST", "127.0.0.1");
    env.put("DESTINATION_REDIS_PORT", "{destPort}");
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  static Stream<Row> rows() {
    List<String> toDest = List.of("--to", "{to}");
    return Stream.of(
        // Case 1: the report's path, checked before the first write.
        new Row(
            "report under /proc",
            Map.of(),
            args(RDB, toDest, List.of("--report", "/proc/x.json")),
            2,
            "error: cannot write the report /proc/x.json: cannot create a file in /proc\n",
            0,
            null,
            null),
        new Row(
            "report in a missing directory",
            Map.of(),
            args(RDB, toDest, List.of("--report", "{tmp}/missing/report.json")),
            2,
            "error: cannot write the report {tmp}/missing/report.json: no such directory"
                + " {tmp}/missing\n",
            0,
            null,
            null),
        new Row(
            "report is a directory",
            Map.of(),
            args(RDB, toDest, List.of("--report", "{tmp}")),
            2,
            "error: cannot write the report {tmp}: it is a directory\n",
            0,
            null,
            null),
        new Row(
            "report on a full disk at the end",
            Map.of(),
            args(RDB, toDest, List.of("--report", "/dev/full")),
            ExitCode.REPORT_UNWRITTEN,
            "error: the run ended with exit code 0 but its report is missing: exit code 74\n",
            KEYS,
            null,
            null),
        new Row(
            "error log in a missing directory",
            Map.of(),
            args(List.of("rdb", "{rdb}", "--error-log", "{tmp}/missing/e.log"), toDest, REPORT),
            2,
            "error: cannot open the error log {tmp}/missing/e.log: ",
            0,
            2,
            null),
        new Row(
            "ERROR_LOG_FILENAME in a missing directory",
            destEnv("ERROR_LOG_FILENAME", "{tmp}/missing/e.log"),
            args(List.of("rdb", "{rdb}"), REPORT),
            2,
            "error: cannot open the error log {tmp}/missing/e.log: ",
            0,
            2,
            args(List.of("rdb", "{rdb}", "--error-log", "{tmp}/missing/e.log"), toDest, REPORT)),
        new Row(
            "verify report under /proc",
            Map.of(),
            List.of("verify", "--from", "{rdb}", "--to", "{to}", "--report", "/proc/x.json"),
            2,
            "error: cannot write the report /proc/x.json: cannot create a file in /proc\n",
            0,
            null,
            null),
        new Row(
            "verify report on a full disk at the end",
            Map.of(),
            List.of("verify", "--from", "{rdb}", "--to", "{to}", "--report", "/dev/full"),
            ExitCode.REPORT_UNWRITTEN,
            "error: the run ended with exit code 6 but its report is missing: exit code 74\n",
            0,
            null,
            null),
        // Case 2: the checkpoint, saved only after the snapshot, checked before it.
        new Row(
            "checkpoint in a missing directory",
            Map.of(),
            args(SYNC, REPORT, List.of("--checkpoint", "/nonexistent/c.ckpt")),
            2,
            "error: cannot write the checkpoint /nonexistent/c.ckpt: no such directory"
                + " /nonexistent\n",
            0,
            2,
            null),
        new Row(
            "checkpoint is a directory",
            Map.of(),
            args(SYNC, REPORT, List.of("--checkpoint", "{tmp}")),
            2,
            "error: cannot write the checkpoint {tmp}: it is a directory\n",
            0,
            2,
            null),
        new Row(
            "metrics port taken",
            Map.of(),
            args(SYNC, REPORT, List.of("--metrics-port", "{busy}")),
            2,
            "error: cannot serve metrics on 127.0.0.1:{busy}: ",
            0,
            2,
            null),
        // Case 5: a port out of range, from the variable as from --to.
        new Row(
            "DESTINATION_REDIS_PORT=99999",
            Map.of("DESTINATION_REDIS_PORT", "99999"),
            args(RDB, REPORT),
            2,
            "error: bad port 99999 in redis://localhost:99999 (from DESTINATION_REDIS_PORT)\n",
            0,
            2,
            null),
        new Row(
            "--to with port 99999",
            Map.of(),
            args(RDB, REPORT, List.of("--to", "redis://localhost:99999")),
            2,
            "error: bad port 99999 in redis://localhost:99999\n",
            0,
            2,
            null),
        new Row(
            "DESTINATION_REDIS_PORT=x",
            Map.of("DESTINATION_REDIS_PORT", "x"),
            args(RDB, REPORT),
            2,
            "error: bad port 'x' in redis://localhost:x (from DESTINATION_REDIS_PORT)\n",
            0,
            2,
            null),
        new Row(
            "SOURCE_REDIS_PORT=99999",
            destEnv("SOURCE_REDIS_PORT", "99999"),
            List.of("scan", "--progress", "never", "--error-log", "{tmp}/errors.log"),
            2,
            "error: bad port 99999 in redis://localhost:99999 (from SOURCE_REDIS_PORT)\n",
            0,
            null,
            null),
        // Case 6: a db index below 0 or not a number.
        new Row(
            "SOURCE_REDIS_DB_INDEX=-1",
            destEnv("SOURCE_REDIS_HOST", "127.0.0.1", "SOURCE_REDIS_DB_INDEX", "-1"),
            List.of("scan", "--progress", "never", "--error-log", "{tmp}/errors.log"),
            2,
            "(from SOURCE_REDIS_DB_INDEX)\n",
            0,
            null,
            null),
        new Row(
            "DESTINATION_REDIS_DB_INDEX=-1",
            destEnv("DESTINATION_REDIS_DB_INDEX", "-1"),
            args(RDB, REPORT),
            2,
            "error: bad database -1 in redis://127.0.0.1:{destPort}/-1 (from"
                + " DESTINATION_REDIS_DB_INDEX)\n",
            0,
            2,
            null),
        new Row(
            "DESTINATION_REDIS_DB_INDEX=x",
            destEnv("DESTINATION_REDIS_DB_INDEX", "x"),
            args(RDB, REPORT),
            2,
            "error: bad database 'x' in redis://127.0.0.1:{destPort}/x (from"
                + " DESTINATION_REDIS_DB_INDEX)\n",
            0,
            2,
            null),
        new Row(
            "DESTINATION_REDIS_DB_INDEX=3 sends every key to db 3",
            destEnv("DESTINATION_REDIS_DB_INDEX", "3"),
            args(RDB, REPORT),
            0,
            "",
            KEYS,
            0,
            null),
        // The original script's option variables: the option's parser and message.
        new Row(
            "PIPELINE_BATCH_SIZE=0",
            destEnv("PIPELINE_BATCH_SIZE", "0"),
            args(RDB, REPORT),
            2,
            "error: --pipeline must be at least 1, got 0\n",
            0,
            2,
            args(RDB, REPORT, toDest, List.of("--pipeline", "0"))),
        new Row(
            "PIPELINE_BATCH_SIZE=x",
            destEnv("PIPELINE_BATCH_SIZE", "x"),
            args(RDB, REPORT),
            2,
            "'x' is not an int",
            0,
            null,
            args(RDB, REPORT, toDest, List.of("--pipeline", "x"))),
        new Row(
            "MAX_PROCESSED_EXISTING_KEYS_LIMIT=-1",
            destEnv("MAX_PROCESSED_EXISTING_KEYS_LIMIT", "-1"),
            args(RDB, REPORT),
            2,
            "error: --existing-limit must be at least 1, got -1\n",
            0,
            2,
            args(RDB, REPORT, toDest, List.of("--existing-limit", "-1"))),
        new Row(
            "SLEEP_TIME=-1",
            destEnv("SLEEP_TIME", "-1"),
            args(RDB, REPORT),
            2,
            "error: --sleep (SLEEP_TIME) must not be negative\n",
            0,
            2,
            args(RDB, REPORT, toDest, List.of("--sleep", "-1"))),
        new Row(
            "FILEMOD=x",
            destEnv("FILEMOD", "x"),
            args(RDB, REPORT),
            2,
            "error: --error-log-mode (FILEMOD) must be w or a, got 'x'\n",
            0,
            2,
            args(RDB, REPORT, toDest, List.of("--error-log-mode", "x"))),
        new Row(
            "MAX_ERRORED_KEYS_LIMIT=-1",
            destEnv("MAX_ERRORED_KEYS_LIMIT", "-1"),
            args(RDB, REPORT),
            2,
            "error: --max-errors must not be negative\n",
            0,
            2,
            args(RDB, REPORT, toDest, List.of("--max-errors", "-1"))),
        new Row(
            "SCAN_BATCH_SIZE=0",
            destEnv("SOURCE_REDIS_HOST", "127.0.0.1", "SCAN_BATCH_SIZE", "0"),
            List.of("scan", "--progress", "never", "--error-log", "{tmp}/errors.log"),
            2,
            "error: --scan-count (SCAN_BATCH_SIZE) must be at least 1\n",
            0,
            null,
            List.of(
                "scan",
                "--from",
                "{from}",
                "--to",
                "{to}",
                "--progress",
                "never",
                "--error-log",
                "{tmp}/errors.log",
                "--scan-count",
                "0")),
        // A variable of ours, and Kubernetes' index variable, refused like an option.
        new Row(
            "JOB_COMPLETION_INDEX=x",
            destEnv("JOB_COMPLETION_INDEX", "x"),
            args(RDB, REPORT),
            2,
            "error: Invalid value for option '--shard-index': 'x' is not an int\n",
            0,
            null,
            args(RDB, REPORT, toDest, List.of("--shard-index", "x"))),
        new Row(
            "RKM_LOG_LEVEL=loud",
            destEnv("RKM_LOG_LEVEL", "loud"),
            args(RDB, REPORT),
            2,
            "error: Invalid value for RKM_LOG_LEVEL: 'loud' (expected one of trace, debug, info,"
                + " warn, error, off)\n",
            0,
            null,
            null),
        // Two problems at start: the report is tried first, so one line and exit 2, not a bad
        // file's or an unreachable server's line followed by one about the report.
        new Row(
            "a bad file with a report under /proc",
            Map.of(),
            args(
                List.of("rdb", "{tmp}/junk.rdb", "--error-log", "{tmp}/errors.log"),
                toDest,
                List.of("--report", "/proc/x.json")),
            2,
            "error: cannot write the report /proc/x.json: cannot create a file in /proc\n",
            0,
            null,
            null),
        new Row(
            "an unreachable source with a report in a missing directory",
            Map.of(),
            List.of(
                "sync",
                "--from",
                "redis://127.0.0.1:1",
                "--to",
                "{to}",
                "--report",
                "{tmp}/missing/r.json"),
            2,
            "error: cannot write the report {tmp}/missing/r.json: no such directory {tmp}/missing\n",
            0,
            null,
            null),
        // The other exit codes of the README's table.
        new Row(
            "exit 1: keys the destination refuses (NOPERM)",
            Map.of(),
            args(RDB, REPORT, List.of("--to", "{toLimited}")),
            ExitCode.KEY_ERRORS,
            "",
            11,
            ExitCode.KEY_ERRORS,
            null,
            d -> d.aclSetUser("limited", "on", ">pw", "~k1*", "+@all"),
            d -> d.aclDelUser("limited")),
        new Row(
            "exit 3: an unreachable destination",
            Map.of(),
            args(RDB, REPORT, List.of("--to", "redis://127.0.0.1:1")),
            ExitCode.CONNECTION,
            "error: destination 127.0.0.1:1 is unreachable",
            0,
            ExitCode.CONNECTION,
            null),
        new Row(
            "exit 3: a wrong password",
            Map.of(),
            args(RDB, REPORT, List.of("--to", "{toWrongPassword}")),
            ExitCode.CONNECTION,
            "WRONGPASS",
            0,
            ExitCode.CONNECTION,
            null),
        new Row(
            "exit 4: --existing fail meets an existing key",
            Map.of(),
            args(RDB, REPORT, toDest, List.of("--existing", "fail", "--pipeline", "1")),
            ExitCode.STOPPED,
            "",
            -1,
            ExitCode.STOPPED,
            null,
            d -> d.set("k0", "there before"),
            d -> {}),
        new Row(
            "exit 5: not an RDB file",
            Map.of(),
            args(
                List.of("rdb", "{tmp}/junk.rdb", "--error-log", "{tmp}/errors.log"),
                toDest,
                REPORT),
            ExitCode.BAD_INPUT,
            "is not an RDB file",
            0,
            ExitCode.BAD_INPUT,
            null),
        new Row(
            "exit 7: a checkpoint the source cannot continue from",
            Map.of(),
            args(SYNC, REPORT, List.of("--checkpoint", "{tmp}/stale.ckpt")),
            ExitCode.RESUME_REFUSED,
            "",
            0,
            ExitCode.RESUME_REFUSED,
            null),
        new Row(
            "exit 6: verify finds the destination differs",
            Map.of(),
            List.of("verify", "--from", "{rdb}", "--to", "{to}", "--progress", "never"),
            ExitCode.DIFFERENCES,
            "",
            0,
            null,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void eachEdgeGivesItsDocumentedOutcome(Row row) throws IOException {
    try (Jedis s = source.server().client()) {
      for (int i = 0; i < KEYS; i++) {
        s.set("k" + i, "v" + i);
      }
    }
    Path rdb = source.server().saveTo(tmp.resolve("source.rdb"));
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Files.writeString(tmp.resolve("junk.rdb"), "not an RDB file\n");
      // What an earlier run left: a replication id this source never had.
      Files.writeString(
          tmp.resolve("stale.ckpt"),
          "replid=" + "0123456789abcdef".repeat(2) + "01234567\noffset=1000\ndb=0\n");
      Map<String, String> vars =
          Map.of(
              "{toLimited}", "redis://limited:pw@127.0.0.1:" + dest.server().port(),
              "{toWrongPassword}", "redis://nobody:wrong@127.0.0.1:" + dest.server().port(),
              "{tmp}", tmp.toString(),
              "{rdb}", rdb.toString(),
              "{to}", dest.uri(),
              "{from}", source.uri(),
              "{destPort}", String.valueOf(dest.server().port()),
              "{busy}", String.valueOf(busy.getLocalPort()));
      Map<String, String> env = new HashMap<>();
      row.env().forEach((k, v) -> env.put(k, fill(v, vars)));
      env.putIfAbsent("SOURCE_REDIS_PORT", String.valueOf(source.server().port()));

      Tool.Result r;
      long before;
      try (Jedis d = dest.server().client()) {
        row.destBefore().accept(d);
        before = ReportAssert.userKeys(d);
      }
      try {
        r = Tool.run(env, row.args().stream().map(a -> fill(a, vars)).toArray(String[]::new));
      } finally {
        try (Jedis d = dest.server().client()) {
          row.destAfter().accept(d);
        }
      }

      assertEquals(row.exit(), r.exit(), r::toString);
      assertTrue(r.err().contains(fill(row.message(), vars)), r::toString);
      try (Jedis d = dest.server().client()) {
        if (row.destKeys() >= 0) {
          assertEquals(row.destKeys(), ReportAssert.userKeys(d), r::toString);
        }
        if (row.destKeys() == 0) {
          // Not even sync's checkpoint marker, which userKeys leaves out.
          assertFalse(d.info("keyspace").contains("keys="), r::toString);
        }
      }
      Path report = tmp.resolve("report.json");
      if (row.reportExit() == null) {
        assertFalse(Files.exists(report), r::toString);
      } else {
        try (Jedis d = dest.server().client()) {
          ReportAssert.of(report).exitCode(row.reportExit()).addsUp().writtenMatches(d, before);
        }
        Files.delete(report);
      }
      assertFalse(Files.exists(Path.of("/nonexistent")));
      if (row.option() != null) {
        Tool.Result o =
            Tool.run(
                Map.of("SOURCE_REDIS_PORT", String.valueOf(source.server().port())),
                row.option().stream().map(a -> fill(a, vars)).toArray(String[]::new));
        assertEquals(r.exit(), o.exit(), o::toString);
        assertEquals(firstLine(r.err()), firstLine(o.err()), o::toString);
      }
    }
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("");
  }

  private static String fill(String text, Map<String, String> vars) {
    String out = text;
    for (Map.Entry<String, String> e : vars.entrySet()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }
}
