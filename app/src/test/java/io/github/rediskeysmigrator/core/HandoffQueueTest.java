package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@link HandoffQueue} keeps order, bounds memory and hands over the producer's end.
 */
class HandoffQueueTest {
  private static final long DEADLINE_NANOS = 10_000_000_000L;

  private static KeyEvent key(int n) {
    return key(n, 8);
  }

  private static KeyEvent key(int n, int payloadBytes) {
    return KeyEvent.of(
        0,
        ("key:" + n).getBytes(StandardCharsets.US_ASCII),
        KeyType.STRING,
        KeyEvent.NO_EXPIRY,
        new byte[payloadBytes]);
  }

  private static int number(SourceEvent e) {
    return Integer.parseInt(
        new String(((KeyEvent) e).key(), StandardCharsets.US_ASCII).substring(4));
  }

  /** Takes batches until the clean end, returning every key in the order received. */
  private static List<KeyEvent> drain(HandoffQueue q, List<Integer> batchSizes) throws Exception {
    List<KeyEvent> all = new ArrayList<>();
    List<SourceEvent> batch;
    while ((batch = q.take()) != null) {
      batchSizes.add(batch.size());
      batch.forEach(e -> all.add((KeyEvent) e));
    }
    return all;
  }

  @Test
  void batchesArriveInOrder() throws Exception {
    HandoffQueue q = new HandoffQueue(16_384);
    for (int i = 0; i < 600; i++) {
      q.accept(key(i));
    }
    q.finish(null);
    List<Integer> sizes = new ArrayList<>();
    List<KeyEvent> keys = drain(q, sizes);
    assertEquals(600, keys.size());
    for (int i = 0; i < keys.size(); i++) {
      assertEquals(i, number(keys.get(i)));
    }
    assertEquals(List.of(256, 256, 88), sizes);
  }

  @Test
  void nothingIsHandedOverBeforeABatchFillsOrIsPublished() throws Exception {
    HandoffQueue q = new HandoffQueue(16_384);
    q.accept(key(1));
    q.accept(key(2));
    q.publish();
    q.publish();
    q.accept(key(3));
    q.finish(null);
    assertEquals(List.of(1, 2), q.take().stream().map(HandoffQueueTest::number).toList());
    assertEquals(List.of(3), q.take().stream().map(HandoffQueueTest::number).toList());
    assertNull(q.take());
  }

  @Test
  void bigKeysCloseABatchEarly() throws Exception {
    HandoffQueue q = new HandoffQueue(16_384);
    for (int i = 0; i < 5; i++) {
      q.accept(key(i, 400_000));
    }
    q.finish(null);
    List<Integer> sizes = new ArrayList<>();
    assertEquals(5, drain(q, sizes).size());
    // About 1 MiB per batch: three keys of 400 kB reach it.
    assertEquals(List.of(3, 2), sizes);
  }

  @Test
  void producerFailureArrivesAfterEveryKeyPublishedBeforeIt() throws Exception {
    HandoffQueue q = new HandoffQueue(16_384);
    for (int i = 0; i < 300; i++) {
      q.accept(key(i));
    }
    IOException boom = new IOException("unexpected end of file at byte 1234");
    q.finish(boom);
    List<SourceEvent> received = new ArrayList<>();
    HandoffQueue.ProducerFailure failure =
        assertThrows(
            HandoffQueue.ProducerFailure.class,
            () -> {
              while (true) {
                received.addAll(q.take());
              }
            });
    assertEquals(300, received.size());
    assertSame(boom, failure.getCause());
    assertEquals(boom.getMessage(), failure.getMessage());
  }

  @Test
  void cleanEndIsSticky() throws Exception {
    HandoffQueue q = new HandoffQueue(16_384);
    q.accept(key(1));
    q.finish(null);
    assertEquals(1, q.take().size());
    assertNull(q.take());
    assertNull(q.take());
    assertNull(q.take());
  }

  @Test
  void failureIsSticky() throws Exception {
    HandoffQueue q = new HandoffQueue(16_384);
    IllegalStateException boom = new IllegalStateException("parser broke");
    q.finish(boom);
    for (int i = 0; i < 3; i++) {
      HandoffQueue.ProducerFailure f = assertThrows(HandoffQueue.ProducerFailure.class, q::take);
      assertSame(boom, f.getCause());
    }
  }

  @Test
  void fullQueueBlocksTheProducerUntilTheConsumerTakes() throws Exception {
    // The smallest queue holds two batches of 256 keys.
    HandoffQueue q = new HandoffQueue(0);
    int total = 256 * 3;
    AtomicInteger accepted = new AtomicInteger();
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread producer = startProducer(q, total, accepted, error);

    awaitState(producer, Thread.State.WAITING);
    // Two batches queued; the third is full and its hand-over waits for room.
    assertEquals(total - 1, accepted.get());

    List<Integer> sizes = new ArrayList<>();
    List<KeyEvent> keys = drain(q, sizes);
    producer.join(10_000);
    assertEquals(Thread.State.TERMINATED, producer.getState());
    assertNull(error.get());
    assertEquals(total, keys.size());
    assertEquals(List.of(256, 256, 256), sizes);
  }

  @Test
  void queueHoldsAboutMaxKeys() throws Exception {
    // 1024 keys is four batches: the fifth hand-over must wait.
    HandoffQueue q = new HandoffQueue(1024);
    AtomicInteger accepted = new AtomicInteger();
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread producer = startProducer(q, 256 * 6, accepted, error);
    awaitState(producer, Thread.State.WAITING);
    assertEquals(256 * 5 - 1, accepted.get());
    assertEquals(256 * 6, drain(q, new ArrayList<>()).size());
    producer.join(10_000);
    assertNull(error.get());
  }

  @Test
  void interruptedProducerStopsWaiting() throws Exception {
    HandoffQueue q = new HandoffQueue(0);
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread producer = startProducer(q, 256 * 3, new AtomicInteger(), error);
    awaitState(producer, Thread.State.WAITING);
    producer.interrupt();
    producer.join(10_000);
    assertTrue(error.get() instanceof InterruptedException, String.valueOf(error.get()));
  }

  /**
   * Starts a daemon thread that hands {@code count} keys to {@code q}, counting each in {@code
   * accepted}, then finishes it; what it throws lands in {@code error}.
   */
  private static Thread startProducer(
      HandoffQueue q, int count, AtomicInteger accepted, AtomicReference<Throwable> error) {
    Thread producer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < count; i++) {
                  q.accept(key(i));
                  accepted.incrementAndGet();
                }
                q.finish(null);
              } catch (Throwable t) {
                error.set(t);
              }
            },
            "test-producer");
    producer.setDaemon(true);
    producer.start();
    return producer;
  }

  /** Spins until {@code t} parks in {@code state}; no timing assumption beyond a generous cap. */
  private static void awaitState(Thread t, Thread.State state) {
    long start = System.nanoTime();
    while (t.getState() != state) {
      if (!t.isAlive() || System.nanoTime() - start > DEADLINE_NANOS) {
        fail("producer never reached " + state + ", it is " + t.getState());
      }
      Thread.onSpinWait();
    }
  }
}
