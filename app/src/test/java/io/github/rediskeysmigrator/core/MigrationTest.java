package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.sink.InMemoryRedis;
import io.github.rediskeysmigrator.sink.PipelinedWriter;
import io.github.rediskeysmigrator.testing.MigrationConfigs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A whole {@link Migration}, from a source in memory through the real {@link PipelinedWriter} to an
 * in-memory destination ({@link InMemoryRedis}), in milliseconds: the existence policies, the stop
 * at --max-errors, the selection of keys and live commands, the checkpoint that never passes an
 * unanswered command, and a source that fails after some keys. What Redis does with the commands is
 * the ITs' to prove (StopReasonsIT, SyncCommandIT, WritersIT).
 */
class MigrationTest {
  /** SET's, GET's and DEL's first argument is their key (enough for these tests). */
  private static final CommandKeys FIRST_ARG =
      new CommandKeys() {
        @Override
        public List<byte[]> keys(byte[][] argv) {
          return argv.length > 1 ? List.of(argv[1]) : List.of();
        }

        @Override
        public KeyType type(byte[][] argv) {
          return KeyType.STRING;
        }
      };

  private final InMemoryRedis redis = new InMemoryRedis();
  private final MigrationReport report = new MigrationReport("rdb", "test", "test", false);
  private final List<String> errorLog = new ArrayList<>();
  private final List<SyncPoint> checkpoints = new ArrayList<>();
  // Where an rdb-like run records its read points (--checkpoint), or null.
  private ReadCheckpoint readCheckpoint;
  // The run in progress, for a writer that asks it to stop.
  private Migration migration;
  // Wraps the writer the run writes through (a writer that asks for a stop).
  private UnaryOperator<KeyWriter> writers = w -> w;

  /** Hands its events over, then fails with {@code failure} if one is given. */
  private record Source(List<SourceEvent> events, SourceException failure) implements KeySource {
    @Override
    public void readInto(KeySink sink) throws SourceException, InterruptedException {
      for (SourceEvent e : events) {
        sink.accept(e);
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static KeyEvent key(String name) {
    return KeyEvent.of(
        0, bytes(name), KeyType.STRING, KeyEvent.NO_EXPIRY, InMemoryRedis.dumpOf("v-" + name));
  }

  private static List<SourceEvent> keys(int n) {
    List<SourceEvent> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(key("k" + i));
    }
    return out;
  }

  private static CommandEvent set(String key, String value, long offset) {
    return CommandEvent.of(0, new byte[][] {bytes("SET"), bytes(key), bytes(value)}, "r", offset);
  }

  private static MigrationConfig config(
      ExistencePolicy policy, int pipeline, int maxErrors, String match) {
    return MigrationConfigs.limits(match, policy, pipeline, 1000, 0, maxErrors);
  }

  private int run(Source source, MigrationConfig config, LiveOptions live)
      throws InterruptedException {
    Sleeper noWait = ms -> {};
    ErrorSink log =
        new ErrorSink() {
          @Override
          public void keyFailed(KeyEvent event, String reason) {
            errorLog.add(new String(event.key(), StandardCharsets.UTF_8) + ": " + reason);
          }

          @Override
          public void keyNote(KeyEvent event, String note) {}

          @Override
          public void otherFailed(String what, String reason) {
            errorLog.add(what + ": " + reason);
          }

          @Override
          public void commandFailed(CommandEvent command, String reason) {
            errorLog.add(command.offset() + ": " + reason);
          }
        };
    migration =
        new Migration(
            source,
            config,
            live,
            listener ->
                writers.apply(
                    redis.writer(
                        new PipelinedWriter.Settings(
                            config.pipeline(), config.existing(), 0, 0, null, 0, 0),
                        listener,
                        noWait,
                        null)),
            new MigrationContext(report, log, Clock.systemUTC(), noWait));
    if (readCheckpoint != null) {
      // Every point due: the test sees each save.
      migration.checkpointReads(readCheckpoint, 0);
    }
    return migration.run();
  }

  private int run(Source source, MigrationConfig config) throws InterruptedException {
    return run(source, config, LiveOptions.NONE);
  }

  private void assertAddsUp() {
    assertNull(report.imbalance(), report::toJson);
  }

  /** Skip leaves an existing key as it was and writes the others; replace overwrites it. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"SKIP, 2, 1, theirs", "REPLACE, 3, 0, v-k2"})
  void anExistingKeyIsSkippedOrReplacedAsThePolicySays(
      ExistencePolicy policy, int written, int skippedExisting, String valueAfter)
      throws Exception {
    redis.put(0, "k2", InMemoryRedis.dumpOf("theirs"));

    int exit = run(new Source(keys(3), null), config(policy, 10, 10, "*"));

    assertEquals(ExitCode.OK, exit);
    assertEquals(written, report.written());
    assertEquals(skippedExisting, report.skippedExisting());
    assertArrayEquals(InMemoryRedis.dumpOf(valueAfter), redis.get(0, "k2"));
    assertAddsUp();
  }

  /** Keys k1..k{@code n}, with a read point of stream "f" after every {@code every} keys. */
  private static List<SourceEvent> keysWithPoints(int n, int every) {
    List<SourceEvent> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(key("k" + i));
      if (i % every == 0) {
        out.add(new ReadPoint("f", i, "", i == n));
      }
    }
    return out;
  }

  @Test
  void readCheckpointCoversOnlyKeysTheDestinationAnswered() throws Exception {
    List<Long> saved = new ArrayList<>();
    List<Boolean> complete = new ArrayList<>();
    readCheckpoint =
        (points, done) -> {
          for (ReadPoint p : points) {
            for (int i = 1; i <= p.keys(); i++) {
              assertTrue(redis.get(0, "k" + i) != null, "saved " + p + " before k" + i);
            }
            saved.add(p.keys());
          }
          complete.add(done);
        };

    int exit =
        run(new Source(keysWithPoints(40, 5), null), config(ExistencePolicy.SKIP, 3, 10, "*"));

    assertEquals(ExitCode.OK, exit);
    assertEquals(40L, saved.get(saved.size() - 1));
    assertEquals(List.of(true), complete.subList(complete.size() - 1, complete.size()));
    assertTrue(
        complete.subList(0, complete.size() - 1).stream().noneMatch(c -> c), complete::toString);
    assertAddsUp();
  }

  @Test
  void readCheckpointOfAStoppedRunIsNeverComplete() throws Exception {
    redis.put(0, "k23", InMemoryRedis.dumpOf("theirs"));
    List<ReadPoint> saved = new ArrayList<>();
    readCheckpoint =
        (points, done) -> {
          assertTrue(!done, "a stopped run marked its checkpoint complete");
          saved.addAll(points);
        };

    int exit =
        run(new Source(keysWithPoints(100, 5), null), config(ExistencePolicy.FAIL, 2, 10, "*"));

    assertEquals(ExitCode.STOPPED, exit);
    assertTrue(saved.get(saved.size() - 1).keys() <= 25, saved::toString);
    assertAddsUp();
  }

  @Test
  void failStopsAtTheFirstExistingKeyWithExitFour() throws Exception {
    redis.put(0, "k5", InMemoryRedis.dumpOf("theirs"));

    int exit = run(new Source(keys(200), null), config(ExistencePolicy.FAIL, 2, 10, "*"));

    assertEquals(ExitCode.STOPPED, exit);
    assertEquals(
        "key 'k5' (db 0) already exists at the destination (--existing fail)", report.stopReason());
    assertEquals(1, report.skippedExisting());
    assertTrue(report.read() < 200, "stopped early, read " + report.read());
    assertArrayEquals(InMemoryRedis.dumpOf("theirs"), redis.get(0, "k5"));
    assertAddsUp();
  }

  @Test
  void keysOwnErrorsStopTheRunAtMaxErrors() throws Exception {
    redis.fault(argv -> "OOM command not allowed when used memory > 'maxmemory'.");

    int exit = run(new Source(keys(200), null), config(ExistencePolicy.SKIP, 5, 3, "*"));

    assertEquals(ExitCode.STOPPED, exit);
    assertEquals("reached --max-errors (3 failed keys)", report.stopReason());
    assertTrue(report.errors() >= 3 && report.read() < 200, report::toJson);
    assertEquals(report.errors(), errorLog.size());
    assertTrue(
        errorLog.get(0).endsWith(": OOM command not allowed when used memory > 'maxmemory'."));
    assertAddsUp();
  }

  @Test
  void keysReadBeforeTheSourceFailedAreWrittenThenTheRunEndsWithItsExitCode() throws Exception {
    SourceException truncated =
        new SourceException(SourceException.Kind.BAD_INPUT, "dump.rdb is truncated");

    int exit = run(new Source(keys(7), truncated), config(ExistencePolicy.SKIP, 3, 10, "*"));

    assertEquals(ExitCode.BAD_INPUT, exit);
    assertEquals("dump.rdb is truncated", report.stopReason());
    assertEquals(7, report.written());
    assertEquals(7, redis.size(0));
    assertAddsUp();
  }

  @Test
  void keysAndLiveCommandsOutsideTheSelectionAreFilteredAlike() throws Exception {
    List<SourceEvent> events =
        List.of(
            key("a1"),
            key("b1"),
            new SyncPoint("r", 100, 0),
            set("a2", "x", 110),
            set("b2", "y", 120),
            CommandEvent.of(0, new byte[][] {bytes("FLUSHDB")}, "r", 130));
    LiveOptions live = new LiveOptions(FIRST_ARG, null, 0, null);

    int exit = run(new Source(events, null), config(ExistencePolicy.SKIP, 10, 10, "a*"), live);

    assertEquals(ExitCode.OK, exit);
    assertEquals(1, report.written());
    assertEquals(1, report.filtered());
    assertEquals(1, report.commandsApplied());
    assertEquals(2, report.commandsFiltered());
    assertEquals(Set.of("a1", "a2"), Set.copyOf(keysOf(redis)));
  }

  @Test
  void theCheckpointNeverPassesACommandWhoseReplyDidNotCome() throws Exception {
    // SET b is applied, but the connection drops before its reply: the run must not record it.
    redis.dropAfter(2);
    List<SourceEvent> events =
        List.of(
            new SyncPoint("r", 100, 0), set("a", "1", 110), set("b", "2", 120), set("c", "3", 130));
    LiveOptions live = new LiveOptions(FIRST_ARG, checkpoints::add, 0, null);

    int exit = run(new Source(events, null), config(ExistencePolicy.SKIP, 10, 10, "*"), live);

    assertEquals(ExitCode.CONNECTION, exit);
    assertEquals(
        List.of(100L, 110L), checkpoints.stream().map(SyncPoint::offset).distinct().toList());
    assertArrayEquals(bytes("2"), redis.get(0, "b"));
    assertAddsUp();
  }

  /**
   * A stop (SIGTERM) that comes between a live re-read's DEL and the key's new value waits for the
   * value: applied alone, the DEL would lose a key the destination had (scan --live stopped during
   * a rescan). A DEL that stands alone is no reason to wait.
   */
  @ParameterizedTest
  @CsvSource({"true, 1", "false, 0"})
  void aStopAfterAReReadsDelWaitsForTheKeysNewValue(boolean clearing, int keysLeft)
      throws InterruptedException {
    redis.put(0, "k1", InMemoryRedis.dumpOf("old"));
    CommandEvent del =
        clearing
            ? CommandEvent.clearing(0, bytes("DEL"), bytes("k1"))
            : CommandEvent.of(0, new byte[][] {bytes("DEL"), bytes("k1")}, "", 0);
    writers = w -> new StopAfterCommand(w);

    int exit =
        run(
            new Source(List.of(del, key("k1"), key("k2")), null),
            config(ExistencePolicy.SKIP, 10, 10, "*"),
            new LiveOptions(FIRST_ARG, null, 0, null));

    assertEquals(ExitCode.INTERRUPTED, exit);
    assertEquals(keysLeft, redis.size(0));
    if (clearing) {
      assertArrayEquals(InMemoryRedis.dumpOf("v-k1"), redis.get(0, "k1"));
    }
    assertAddsUp();
  }

  /** Asks the run to stop, as a signal would, once it has handed a live command over. */
  private final class StopAfterCommand implements KeyWriter {
    private final KeyWriter writer;

    StopAfterCommand(KeyWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(KeyEvent event) throws WriteException, InterruptedException {
      writer.write(event);
    }

    @Override
    public void writeCommand(CommandEvent command) throws WriteException, InterruptedException {
      writer.writeCommand(command);
      migration.requestStop(ExitCode.INTERRUPTED, "interrupted by a signal");
    }

    @Override
    public void flush() throws WriteException, InterruptedException {
      writer.flush();
    }

    @Override
    public void restoreFunctions(List<byte[]> libraries, FunctionListener listener)
        throws WriteException {
      writer.restoreFunctions(libraries, listener);
    }

    @Override
    public void close() {
      writer.close();
    }
  }

  private static List<String> keysOf(InMemoryRedis r) {
    List<String> out = new ArrayList<>();
    for (String k : Arrays.asList("a1", "b1", "a2", "b2")) {
      if (r.get(0, k) != null) {
        out.add(k);
      }
    }
    return out;
  }
}
