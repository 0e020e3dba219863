package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.ExistencePolicy;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.redis.Reconnector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The story of a batch in {@link PipelinedWriter}, against an in-memory destination ({@link
 * InMemoryRedis}): pipelining, one booking per key, the existence policies, db selection, and the
 * recoveries (LOADING, READONLY, a dropped connection). Milliseconds, no server; what Redis itself
 * does with these commands is WritersIT's and NetworkFaultsIT's to prove.
 */
class PipelinedWriterTest {
  private final InMemoryRedis redis = new InMemoryRedis();
  private final OutcomeLog outcomes = new OutcomeLog();
  private final List<Long> sleeps = new ArrayList<>();
  private final Sleeper sleeper = sleeps::add;

  static byte[] payload(String value) {
    return InMemoryRedis.dumpOf(value);
  }

  static KeyEvent key(int db, String name) {
    return KeyEvent.of(
        db,
        name.getBytes(StandardCharsets.UTF_8),
        KeyType.STRING,
        KeyEvent.NO_EXPIRY,
        payload("v-" + name));
  }

  private PipelinedWriter writer(int pipeline, ExistencePolicy policy, int retries) {
    return writer(pipeline, policy, retries, null);
  }

  private PipelinedWriter writer(
      int pipeline, ExistencePolicy policy, int retries, Reconnector again) {
    return redis.writer(
        new PipelinedWriter.Settings(pipeline, policy, 0, 0, null, retries, 100),
        outcomes,
        sleeper,
        again);
  }

  private void writeAll(PipelinedWriter w, int db, String... names)
      throws WriteException, InterruptedException {
    for (String n : names) {
      w.write(key(db, n));
    }
  }

  @Test
  void sendsAtMostTwoPipelinesPerRoundTripAndBooksEveryReplyToItsKey() throws Exception {
    try (PipelinedWriter w = writer(3, ExistencePolicy.SKIP, 0)) {
      writeAll(w, 0, "k1", "k2", "k3", "k4", "k5", "k6", "k7");
      w.flush();
    }

    assertEquals(
        List.of(
            "written k1",
            "written k2",
            "written k3",
            "written k4",
            "written k5",
            "written k6",
            "written k7"),
        outcomes.lines());
    assertEquals(7, redis.roundTrips().stream().mapToInt(Integer::intValue).sum());
    assertTrue(redis.roundTrips().stream().allMatch(n -> n <= 6), redis.roundTrips()::toString);
    assertTrue(redis.roundTrips().size() > 1, redis.roundTrips()::toString);
    assertArrayEquals(payload("v-k4"), redis.get(0, "k4"));
  }

  @Test
  void skipLeavesAnExistingKeyAloneAndBooksItAsExisted() throws Exception {
    redis.put(0, "k2", payload("theirs"));
    try (PipelinedWriter w = writer(10, ExistencePolicy.SKIP, 0)) {
      writeAll(w, 0, "k1", "k2", "k3");
      w.flush();
    }

    assertEquals(List.of("written k1", "existed k2", "written k3"), outcomes.lines());
    assertArrayEquals(payload("theirs"), redis.get(0, "k2"));
  }

  @Test
  void replaceOverwritesAnExistingKey() throws Exception {
    redis.put(0, "k2", payload("theirs"));
    try (PipelinedWriter w = writer(10, ExistencePolicy.REPLACE, 0)) {
      writeAll(w, 0, "k1", "k2");
      w.flush();
    }

    assertEquals(List.of("written k1", "written k2"), outcomes.lines());
    assertArrayEquals(payload("v-k2"), redis.get(0, "k2"));
    assertTrue(redis.commands().contains("RESTORE k2"));
  }

  @Test
  void selectsEachKeysDbAloneBeforeItsRestore() throws Exception {
    try (PipelinedWriter w = writer(10, ExistencePolicy.SKIP, 0)) {
      writeAll(w, 0, "a");
      writeAll(w, 3, "b", "c");
      writeAll(w, 0, "d");
      w.flush();
    }

    assertEquals(
        List.of("RESTORE a", "SELECT 3", "RESTORE b", "RESTORE c", "SELECT 0", "RESTORE d"),
        redis.commands());
    assertEquals(2, redis.size(0));
    assertEquals(2, redis.size(3));
  }

  @Test
  void aKeysOwnErrorFailsThatKeyOnlyWithTheTypedReply() throws Exception {
    redis.fault(InMemoryRedis.restoreOf("k2", "OOM command not allowed when used memory"));
    try (PipelinedWriter w = writer(10, ExistencePolicy.SKIP, 0)) {
      writeAll(w, 0, "k1", "k2", "k3");
      w.flush();
    }

    assertEquals(
        List.of("written k1", "failed k2: OOM command not allowed when used memory", "written k3"),
        outcomes.lines());
    assertTrue(outcomes.failures.get("k2").is(RedisError.Kind.OUT_OF_MEMORY));
  }

  @Test
  void loadingIsWaitedOutAndTheKeySentAgain() throws Exception {
    AtomicInteger refusals = new AtomicInteger(2);
    redis.fault(
        argv ->
            new String(argv.get(0), StandardCharsets.US_ASCII).equals("RESTORE")
                    && refusals.getAndDecrement() > 0
                ? "LOADING Redis is loading the dataset in memory"
                : null);
    try (PipelinedWriter w = writer(10, ExistencePolicy.SKIP, 3)) {
      writeAll(w, 0, "k1", "k2");
      w.flush();
    }

    assertEquals(List.of("written k1", "written k2"), outcomes.lines());
    assertEquals(List.of(100L), sleeps);
  }

  @Test
  void aReadOnlyDestinationStopsTheRunAndItsKeysAreLostNotFailed() throws Exception {
    redis.fault(argv -> "READONLY You can't write against a read only replica.");
    try (PipelinedWriter w = writer(2, ExistencePolicy.SKIP, 0)) {
      WriteException stop =
          assertThrows(
              WriteException.class,
              () -> {
                writeAll(w, 0, "k1", "k2", "k3", "k4", "k5");
                w.flush();
              });
      assertTrue(stop.getMessage().contains("read-only replica"), stop.getMessage());
    }

    assertTrue(
        outcomes.lines().stream().allMatch(l -> l.startsWith("lost ")),
        () -> outcomes.lines().toString());
    assertTrue(outcomes.failures.values().stream().allMatch(f -> f.reason().contains("READONLY")));
  }

  @Test
  void aConnectionLostForGoodBooksEveryKeyWithoutReplyAsLost() throws Exception {
    redis.dropAfter(2);
    try (PipelinedWriter w = writer(10, ExistencePolicy.SKIP, 0)) {
      writeAll(w, 0, "k1", "k2", "k3", "k4", "k5");
      WriteException stop = assertThrows(WriteException.class, w::flush);
      assertTrue(stop.getMessage().startsWith("connection lost"), stop.getMessage());
    }

    // k2 was applied, but its reply never came: it cannot be booked as written.
    assertEquals(
        List.of("written k1", "lost k2", "lost k3", "lost k4", "lost k5"), outcomes.lines());
    assertTrue(outcomes.failures.get("k3").reason().startsWith("no reply: connection lost"));
  }

  @Test
  void aSecondDropWhileSendingAgainBooksEveryKeyOnce() throws Exception {
    // The first connection applies k1, whose reply is lost with k2 to k4 (two pipelines of two);
    // the second drops while these four are sent again; the third takes the rest, after the
    // backoff of the second attempt.
    redis.dropAfter(1, 2);
    try (PipelinedWriter w = writer(2, ExistencePolicy.SKIP, 3, redis::connect)) {
      writeAll(w, 0, "k1", "k2", "k3", "k4", "k5");
      w.flush();
    }

    List<String> lines = outcomes.lines();
    assertEquals(5, lines.size(), lines::toString);
    assertEquals(5, lines.stream().distinct().count(), lines::toString);
    assertTrue(lines.stream().allMatch(l -> l.startsWith("written ")), lines::toString);
    assertEquals(5, redis.size(0));
    assertEquals(List.of(100L, 200L), sleeps);
  }

  @Test
  void aConnectionRegainedSendsAgainWhatHadNoReplyAndChecksWhatHadLanded() throws Exception {
    redis.dropAfter(2);
    try (PipelinedWriter w = writer(10, ExistencePolicy.SKIP, 3, redis::connect)) {
      writeAll(w, 0, "k1", "k2", "k3", "k4", "k5");
      w.flush();
    }

    // k2 is booked last: by the check that follows the pipeline it was sent again in.
    assertEquals(
        List.of("written k1", "written k3", "written k4", "written k5", "written k2"),
        outcomes.lines());
    assertEquals(5, redis.size(0));
    assertEquals(List.of(100L), sleeps);
    // k2 had landed before the drop: sent again, it met itself, which its DUMP proved.
    assertTrue(redis.commands().contains("DUMP k2"), redis.commands()::toString);
    assertEquals(1, redis.commands().stream().filter(c -> c.startsWith("DUMP")).count());
  }
}
