package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.MigrationConfigs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stop precedence and the accounting invariant of {@link Migration}: the first cause is the
 * stop reason and gives the exit code, keys failing because of a run-stopping fault never count as
 * --max-errors, and a run whose totals do not add up ends as an internal error. The writer is a
 * scripted stand-in: what a real destination does is proved by StopReasonsIT.
 */
class MigrationStopTest {
  private static final int MAX_ERRORS = 3;

  /** What the scripted writer does with the keys it holds when it is asked to write or flush. */
  private interface Script {
    void run(ScriptedWriter w, KeyEvent event) throws WriteException;
  }

  private static final Script NOTHING = (w, k) -> {};

  /** A flush with keys held finds the connection gone. */
  private static final Script LOSE_CONNECTION_IF_HOLDING =
      (w, k) -> {
        if (!w.pending.isEmpty()) {
          w.loseConnection();
        }
      };

  /** Holds keys like a pipeline and books them as its script says. */
  private static final class ScriptedWriter implements KeyWriter {
    final WriteListener listener;
    final Script onWrite;
    final Script onFlush;
    final List<KeyEvent> pending = new ArrayList<>();
    int writes;

    ScriptedWriter(WriteListener listener, Script onWrite, Script onFlush) {
      this.listener = listener;
      this.onWrite = onWrite;
      this.onFlush = onFlush;
    }

    @Override
    public void write(KeyEvent event) throws WriteException {
      writes++;
      onWrite.run(this, event);
    }

    @Override
    public void writeCommand(CommandEvent command) {
      throw new AssertionError("no live commands here");
    }

    @Override
    public void flush() throws WriteException {
      onFlush.run(this, null);
    }

    @Override
    public void restoreFunctions(List<byte[]> libraries, FunctionListener functions) {}

    @Override
    public void close() {}

    /** The connection is gone: every key held is booked as lost, then the run must stop. */
    void loseConnection() throws WriteException {
      pending.forEach(k -> listener.lost(k, WriteFailure.of("no reply: connection lost")));
      pending.clear();
      throw new WriteException("connection lost and not regained after 2 attempts", null);
    }
  }

  private static final class Source implements KeySource {
    final int keys;

    Source(int keys) {
      this.keys = keys;
    }

    @Override
    public void readInto(KeySink sink) throws InterruptedException {
      for (int i = 0; i < keys; i++) {
        byte[] name = ("k" + i).getBytes(StandardCharsets.UTF_8);
        sink.accept(KeyEvent.of(0, name, KeyType.STRING, KeyEvent.NO_EXPIRY, new byte[] {1}));
      }
    }
  }

  private static final ErrorSink NO_LOG =
      new ErrorSink() {
        @Override
        public void keyFailed(KeyEvent event, String reason) {}

        @Override
        public void keyNote(KeyEvent event, String note) {}

        @Override
        public void otherFailed(String what, String reason) {}
      };

  private final MigrationReport report = new MigrationReport("rdb", "test", "test", false);
  private Migration migration;

  private int run(int keys, Script onWrite, Script onFlush) throws InterruptedException {
    MigrationConfig config =
        MigrationConfigs.limits("*", ExistencePolicy.SKIP, 1000, 1000, 0, MAX_ERRORS);
    migration =
        new Migration(
            new Source(keys),
            config,
            LiveOptions.NONE,
            listener -> new ScriptedWriter(listener, onWrite, onFlush),
            new MigrationContext(report, NO_LOG, Clock.systemUTC(), Sleeper.SYSTEM));
    return migration.run();
  }

  /** The run ended with {@code code}, the report says so and gives {@code reason}. */
  private void assertStop(int code, String reason, int exit) {
    assertEquals(code, exit);
    assertEquals(code, report.exitCode());
    assertEquals(reason, report.stopReason());
  }

  private void assertAddsUp() {
    assertNull(report.imbalance(), report.toJson());
  }

  @Test
  void keysOwnErrorsStopAtMaxErrorsWithExitFour() throws InterruptedException {
    int exit =
        run(
            10,
            (w, k) -> w.listener.failed(k, WriteFailure.of("OOM command not allowed")),
            NOTHING);

    assertStop(ExitCode.STOPPED, "reached --max-errors (3 failed keys)", exit);
    assertEquals(3, report.errors());
    assertAddsUp();
  }

  @Test
  void keysLostWithTheConnectionDoNotCountAsMaxErrors() throws InterruptedException {
    // Ten keys in flight when the connection goes: more than --max-errors, all booked as lost.
    int exit =
        run(
            20,
            (w, k) -> {
              w.pending.add(k);
              if (w.pending.size() == 10) {
                w.loseConnection();
              }
            },
            NOTHING);

    assertStop(
        ExitCode.CONNECTION,
        "destination: connection lost and not regained after 2 attempts",
        exit);
    assertEquals(10, report.read());
    assertEquals(10, report.errors());
    assertAddsUp();
  }

  @Test
  void maxErrorsReachedFirstStaysTheReasonWhenTheConnectionGoesWhileFlushing()
      throws InterruptedException {
    int exit =
        run(
            20,
            (w, k) -> {
              if (w.writes <= MAX_ERRORS) {
                w.listener.failed(k, WriteFailure.of("WRONGTYPE"));
              } else {
                w.pending.add(k);
              }
            },
            LOSE_CONNECTION_IF_HOLDING);

    assertStop(ExitCode.STOPPED, "reached --max-errors (3 failed keys)", exit);
    assertAddsUp();
  }

  @Test
  void aSignalFirstStaysTheReasonWhenTheConnectionGoesWhileFlushing() throws InterruptedException {
    int exit =
        run(
            20,
            (w, k) -> {
              w.pending.add(k);
              if (w.writes == 5) {
                migration.requestStop(ExitCode.INTERRUPTED, "interrupted (SIGTERM)");
              }
            },
            LOSE_CONNECTION_IF_HOLDING);

    assertStop(ExitCode.INTERRUPTED, "interrupted (SIGTERM)", exit);
    assertEquals(5, report.errors());
    assertAddsUp();
  }

  @Test
  void aKeyBookedNowhereIsAnInternalError() throws InterruptedException {
    int exit =
        run(
            5,
            (w, k) -> {
              if (w.writes != 3) {
                w.listener.written(k);
              }
            },
            NOTHING);

    assertEquals(ExitCode.INTERNAL, exit);
    assertEquals(ExitCode.INTERNAL, report.exitCode());
    assertTrue(
        report
            .stopReason()
            .startsWith(
                "internal error: the totals do not add up (read 5, but written 4 +"
                    + " skipped_existing 0"),
        report.stopReason());
  }

  @Test
  void aKeyBookedTwiceIsAnInternalErrorThatKeepsTheFirstReason() throws InterruptedException {
    int exit =
        run(
            10,
            (w, k) -> {
              w.listener.failed(k, WriteFailure.of("WRONGTYPE"));
              w.listener.failed(k, WriteFailure.of("WRONGTYPE"));
            },
            NOTHING);

    assertEquals(ExitCode.INTERNAL, exit);
    assertTrue(
        report.stopReason().endsWith("; the run had stopped: reached --max-errors (3 failed keys)"),
        report.stopReason());
  }

  @Test
  void imbalanceNamesTheWrittenSplit() {
    report.read.set(2);
    report.written.set(2);
    report.restored.set(1);

    assertEquals("written 2, but restored 1 + restamped 0 + rewritten 0 = 1", report.imbalance());
    report.rewritten.set(1);
    assertNull(report.imbalance());
  }
}
