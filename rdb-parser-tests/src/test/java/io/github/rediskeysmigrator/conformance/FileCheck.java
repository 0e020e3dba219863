package io.github.rediskeysmigrator.conformance;

import io.github.rediskeysmigrator.cli.Cli;
import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.RedisServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;

/**
 * Runs the {@code rdb} command in-process on one corpus file into an empty destination and checks
 * the outcome against what the corpus says about the file.
 *
 * <ul>
 *   <li>Every run ends within the time limit, without a crash and without a stack trace on stderr.
 *   <li>A file its source treats as corrupt, or whose bytes redis-server 7.0.15 could not parse
 *       ({@link #mustRefuse}), ends with exit 5 and one clear {@code error:} line naming it.
 *   <li>Any other file migrates: exit 0, or exit 1 when the only failed keys are module values (the
 *       destination has no modules; README: they land in the error log). The report adds up, the
 *       error log has one line per error and the destination holds exactly the keys written.
 *   <li>The destination's content equals the expected content: public/expected/*.json and the
 *       counts of expected-load.tsv (what 7.0.15 loaded), a fixture's expected.json, or, for files
 *       too new for 7.0.15 and for absolute expiries, a server of the destination's version that
 *       loaded the file itself.
 * </ul>
 */
final class FileCheck {
  /** Time limit of one run; a hang fails the file. */
  static final Duration LIMIT =
      Duration.ofSeconds(Long.getLong("rkm.conformance.timeoutSeconds", 60));

  private static final Pattern STACK_TRACE =
      Pattern.compile("(?m)^\\s+at [\\w$.<>/]+\\(|Exception in thread|^Caused by: ");
  private static final Pattern JAVA_NAME =
      Pattern.compile("\\bjava\\.[a-z]+\\.|\\b[A-Z]\\w*(Exception|Error)\\b");
  private static final Pattern MODULE_LINE = Pattern.compile(" type=module reason=");
  private static final Pattern NOTE_LINE = Pattern.compile("^\\S+ NOTE db=");

  /**
   * How a file fared.
   *
   * @param problems what went wrong; empty when the file passed
   * @param contentChecked whether the destination was compared with expected content
   * @param note what happened, in a few words (exit code, counts)
   */
  record Verdict(List<String> problems, boolean contentChecked, String note) {
    boolean passed() {
      return problems.isEmpty();
    }
  }

  private final Destinations destinations;
  private final StderrLog log;

  FileCheck(Destinations destinations, StderrLog log) {
    this.destinations = destinations;
    this.log = log;
  }

  /**
   * Whether the tool must refuse {@code f} (exit 5) rather than migrate it: its source treats it as
   * corrupt, or redis-server 7.0.15 could not parse its bytes (rather than lacking a module,
   * meeting a duplicate key or refusing one value). RedisJSON's {@code backward-0005572c.rdb} is
   * "valid" at its source but was saved as UTF-8 text (EF BF BD in place of its binary bytes).
   */
  static boolean mustRefuse(CorpusFile f) {
    if (f.intent().equals("corrupt")) {
      return true;
    }
    String why = f.loadFailure();
    return f.loaded().equals("no")
        && !why.contains("module")
        && !why.contains("duplicated key")
        && !why.contains("integrity check failed");
  }

  /**
   * {@code rdb} of the corpus file {@code f} into {@code dest}, stopping at the first error, with
   * its error log and report written where named.
   */
  static Cli.Result migrate(CorpusFile f, RedisServer dest, Path errorLog, Path report)
      throws IOException, InterruptedException {
    return Cli.run(
        LIMIT,
        "rdb",
        f.file().toString(),
        "--to",
        dest.uri(),
        "--error-log",
        errorLog.toString(),
        "--report",
        report.toString(),
        "--progress",
        "never",
        "--max-errors",
        "0");
  }

  Verdict check(CorpusFile f, Path work) throws IOException, InterruptedException {
    RedisServer dest = destinations.emptied(Destinations.serverFor(f));
    Path errorLog = work.resolve("errors.log");
    Path reportFile = work.resolve("report.json");
    List<String> problems = new ArrayList<>();
    log.clear();
    long startMs = System.currentTimeMillis();
    Cli.Result r = migrate(f, dest, errorLog, reportFile);
    if (r.timedOut()) {
      problems.add("did not finish within " + LIMIT.toSeconds() + " s");
      return new Verdict(problems, false, "hang");
    }
    if (r.crash() != null) {
      problems.add("crashed: " + r.crash());
    }
    if (STACK_TRACE.matcher(r.err()).find()) {
      problems.add("stack trace on stderr: " + firstLine(r.err()));
    }
    String logged = log.firstStackTrace();
    if (logged != null) {
      problems.add("stack trace in the log (stderr): " + logged);
    }
    List<String> logLines =
        Files.exists(errorLog) ? Files.readAllLines(errorLog, StandardCharsets.UTF_8) : List.of();
    // The error log also has a NOTE line per key written without something the destination
    // cannot hold (a stream's IDMP state); only ERROR lines are failed keys.
    List<String> errorLines = logLines.stream().filter(l -> !NOTE_LINE.matcher(l).find()).toList();
    long notes = logLines.size() - errorLines.size();
    if (mustRefuse(f)) {
      checkRefused(f, r, errorLines, problems);
      return new Verdict(problems, false, "exit " + r.exit());
    }
    if (r.exit() != 0 && r.exit() != 1) {
      problems.add("exit " + r.exit() + ": " + errorLine(r));
      return new Verdict(problems, false, "exit " + r.exit());
    }
    if (r.exit() == 1) {
      errorLines.stream()
          .filter(l -> !MODULE_LINE.matcher(l).find())
          .findFirst()
          .ifPresent(l -> problems.add("exit 1 with a non-module key error: " + l));
    }
    Map<String, Object> report = JsonText.object(Files.readString(reportFile));
    long read = count(report, "read");
    long written = count(report, "written");
    long expired = count(report, "skipped_expired");
    long errors = count(report, "errors");
    long functions =
        count(report, "functions_restored")
            + count(report, "functions_existing")
            + count(report, "functions_failed");
    long others =
        count(report, "skipped_existing")
            + count(report, "skipped_gone")
            + count(report, "filtered");
    if (read != written + expired + errors + others) {
      problems.add("the report does not add up: " + report);
    }
    if (errors != errorLines.size()) {
      problems.add(errors + " errors reported but " + errorLines.size() + " error log lines");
    }
    if (report.get("stop_reason") != null) {
      problems.add("stopped: " + report.get("stop_reason"));
    }
    if (r.exit() == 0 && errors > 0) {
      problems.add("exit 0 with " + errors + " errors");
    }
    long idmpLeftOut = count(report, "idmp_left_out");
    if (notes != idmpLeftOut) {
      problems.add(
          idmpLeftOut + " streams reported without IDMP state but " + notes + " NOTE lines");
    }
    String note =
        "exit "
            + r.exit()
            + ", read "
            + read
            + ", written "
            + written
            + (expired > 0 ? ", expired " + expired : "")
            + (errors > 0 ? ", errors " + errors : "");
    boolean content;
    Path librdb = LibrdbExpected.forFile(f);
    if (librdb != null) {
      content = checkLibrdb(f, librdb, dest, work, written, idmpLeftOut, problems);
    } else if (f.isPublic()) {
      content = checkPublic(f, dest, work, read, written, expired, functions, problems);
    } else {
      content = checkGenerated(f, dest, work, startMs, written, expired, problems);
    }
    return new Verdict(problems, content, note);
  }

  private static void checkRefused(
      CorpusFile f, Cli.Result r, List<String> errorLines, List<String> problems) {
    if (r.exit() != 5) {
      problems.add(
          "expected exit 5 (bad input file), got exit "
              + r.exit()
              + (errorLines.isEmpty()
                  ? ": " + errorLine(r)
                  : " with " + errorLines.size() + " key errors, the first: " + errorLines.get(0)));
      return;
    }
    String line = errorLine(r);
    if (!line.startsWith("error: ") || !line.contains(f.file().getFileName().toString())) {
      problems.add("no error line naming the file on stderr: " + r.err().strip());
    } else if (JAVA_NAME.matcher(line).find()) {
      problems.add("unclear error (names a Java class): " + line);
    }
  }

  /**
   * Checks an RDB 13 file against redis/librdb's reading of it ({@link LibrdbExpected}): the
   * destination's streams, the same as a 7.4.1 holds after librdb's own rewrite (its RESP), the
   * IDMP state counted as left out for every key librdb found some in (the destination, 7.4.1,
   * cannot hold it), and {@code verify} after the migration (exit 0, each stream compared without
   * its IDMP state).
   */
  private static boolean checkLibrdb(
      CorpusFile f,
      Path librdb,
      RedisServer dest,
      Path work,
      long written,
      long idmpLeftOut,
      List<String> problems)
      throws IOException, InterruptedException {
    try (Jedis j = dest.client()) {
      problems.addAll(LibrdbExpected.differences(librdb, j));
    }
    Path resp = LibrdbExpected.respFor(f);
    if (resp != null) {
      try (RedisServer scratch = RedisServer.startShared(Destinations.serverFor(f));
          Jedis s = scratch.client();
          Jedis d = dest.client()) {
        List<String> replayed = LibrdbExpected.replay(resp, scratch);
        problems.addAll(replayed);
        if (replayed.isEmpty()) {
          problems.addAll(LibrdbExpected.sameStreams("librdb's rewrite holds", s, "ours", d));
        }
      }
    }
    long withIdmp = LibrdbExpected.keysWithIdmp(librdb);
    if (idmpLeftOut < withIdmp || idmpLeftOut > written) {
      problems.add(
          "idmp_left_out is "
              + idmpLeftOut
              + ", but librdb found IDMP producers in "
              + withIdmp
              + " keys of the "
              + written
              + " written");
    }
    Path verifyReport = work.resolve("verify.json");
    Cli.Result v =
        Cli.run(
            LIMIT,
            "verify",
            "--from",
            f.file().toString(),
            "--to",
            dest.uri(),
            "--report",
            verifyReport.toString(),
            "--progress",
            "never");
    if (v.exit() != 0) {
      problems.add("verify after the migration: exit " + v.exit() + ": " + v.out().strip());
    } else {
      Map<String, Object> vr = JsonText.object(Files.readString(verifyReport));
      if (count(vr, "idmp_not_compared") != idmpLeftOut) {
        problems.add(
            "verify compared "
                + count(vr, "idmp_not_compared")
                + " streams without IDMP state, the migration left it out of "
                + idmpLeftOut);
      }
    }
    return true;
  }

  /** Checks a public file against expected-load.tsv and expected/&lt;file&gt;.json. */
  private boolean checkPublic(
      CorpusFile f,
      RedisServer dest,
      Path work,
      long read,
      long written,
      long expired,
      long functions,
      List<String> problems)
      throws IOException, InterruptedException {
    String dbs = keysPerDb(dest);
    long keys = totalKeys(dest);
    if (keys != written) {
      problems.add("the destination holds " + keys + " keys (" + dbs + "), written " + written);
    }
    if (f.loaded().startsWith("newer than")) {
      return checkAgainstReference(f, dest, work, problems);
    }
    if (!f.loaded().equals("yes")) {
      return false;
    }
    // What redis-server 7.0.15 found when it loaded the file.
    if (!f.load().get("dbs").equals(dbs)) {
      problems.add("keys per db: expected " + f.load().get("dbs") + ", got " + dbs);
    }
    if (f.load().get("check_rdb").equals("ok")) {
      long inFile = Long.parseLong(f.load().get("keys_read"));
      long alreadyExpired = Long.parseLong(f.load().get("already_expired"));
      if (read != inFile) {
        problems.add("read " + read + " keys, redis-check-rdb counts " + inFile);
      }
      if (expired < alreadyExpired) {
        problems.add(
            "skipped " + expired + " keys as expired, " + alreadyExpired + " had already expired");
      }
    }
    // The expected JSON says only whether a key has a TTL, and nothing of function libraries:
    // check absolute expiries and libraries against 7.0.15 loading the file.
    boolean expiries = !f.load().getOrDefault("expires", "").matches("0?");
    if ((expiries || functions > 0) && !checkAgainstReference(f, dest, work, problems)) {
      problems.add("redis-server 7.0.15 no longer loads the file");
    }
    if (f.expected() == null) {
      return false;
    }
    String problem = CanonicalDump.problem();
    if (problem != null) {
      problems.add(problem);
      return false;
    }
    Path actual = work.resolve("actual.json");
    CanonicalDump.publicForm(dest.port(), actual);
    problems.addAll(
        ExpectedContent.comparePublic(
            ExpectedContent.read(f.expected()), ExpectedContent.read(actual)));
    return true;
  }

  /**
   * Compares the destination with a server of its version that loaded the file itself ({@link
   * SameContent}: keys, types, DUMP payloads, absolute expiries, function libraries). The oracle
   * for public files too new for 7.0.15, for which the corpus has no expected content, and for the
   * absolute expiries the public expected JSON leaves out. Returns false when that server cannot
   * load the file (module data), so there is nothing to compare.
   */
  private static boolean checkAgainstReference(
      CorpusFile f, RedisServer dest, Path work, List<String> problems) throws IOException {
    Path dir = Files.createDirectories(work.resolve("reference"));
    Files.copy(f.file(), dir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
    String name = Destinations.serverFor(f);
    RedisServer ref = Destinations.loading(name, dir);
    if (ref == null) {
      return false;
    }
    try (ref;
        Jedis r = ref.client();
        Jedis d = dest.client()) {
      for (String diff : SameContent.differences(r, d)) {
        problems.add("differs from " + name + " loading the file: " + diff);
      }
    }
    return true;
  }

  /** Checks a generated fixture against its expected.json, as of the time of the check. */
  private boolean checkGenerated(
      CorpusFile f,
      RedisServer dest,
      Path work,
      long startMs,
      long written,
      long expired,
      List<String> problems)
      throws IOException, InterruptedException {
    Map<String, Object> expected = ExpectedContent.read(f.expected());
    // Keys that had expired when the run began must be skipped as expired. A hash whose every
    // field had expired may be skipped, or written and then dropped by the destination.
    int gone = ExpectedContent.expiredKeys(expected, startMs);
    int emptied = ExpectedContent.keysWithAllFieldsExpired(expected, startMs);
    long skippedEmptied = expired - gone;
    if (skippedEmptied < 0 || skippedEmptied > emptied) {
      problems.add(
          "skipped "
              + expired
              + " keys as expired; "
              + gone
              + " had expired"
              + (emptied > 0 ? " and " + emptied + " had lost every field" : ""));
    }
    long keys = totalKeys(dest);
    // The destination drops a restored hash whose fields have all expired, at once or a moment
    // later (active expiry).
    long dropped = emptied - Math.max(0, Math.min(emptied, skippedEmptied));
    if (keys < written - dropped || keys > written) {
      problems.add(
          "the destination holds "
              + keys
              + " keys ("
              + keysPerDb(dest)
              + "), written "
              + written
              + (dropped > 0 ? " of which " + dropped + " may be gone (every field expired)" : ""));
    }
    String problem = CanonicalDump.problem();
    if (problem != null) {
      problems.add(problem);
      return false;
    }
    Path actual = work.resolve("actual.json");
    CanonicalDump.generatedForm(dest.port(), actual);
    problems.addAll(
        ExpectedContent.compareGenerated(
            expected, ExpectedContent.read(actual), System.currentTimeMillis()));
    return true;
  }

  private static long count(Map<String, Object> report, String field) {
    Object v = report.get(field);
    return v instanceof BigDecimal b ? b.longValueExact() : 0;
  }

  /** {@code db0=5 db2=1}, as expected-load.tsv writes it. */
  private static String keysPerDb(RedisServer dest) {
    StringJoiner j = new StringJoiner(" ");
    try (Jedis c = dest.client()) {
      for (String line : c.info("keyspace").split("\r?\n")) {
        if (line.startsWith("db")) {
          String db = line.substring(0, line.indexOf(':'));
          String keys = line.replaceAll(".*[:,]keys=(\\d+).*", "$1");
          j.add(db + "=" + keys);
        }
      }
    }
    return j.toString();
  }

  private static long totalKeys(RedisServer dest) {
    long n = 0;
    for (String part : keysPerDb(dest).split(" ")) {
      if (!part.isEmpty()) {
        n += Long.parseLong(part.substring(part.indexOf('=') + 1));
      }
    }
    return n;
  }

  /** The last {@code error:} line on stderr, else its first line. */
  private static String errorLine(Cli.Result r) {
    String last = null;
    for (String l : r.err().split("\n")) {
      if (l.startsWith("error: ")) {
        last = l;
      }
    }
    return last != null ? last : firstLine(r.err());
  }

  private static String firstLine(String text) {
    String t = text.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
