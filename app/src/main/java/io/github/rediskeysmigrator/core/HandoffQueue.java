package io.github.rediskeysmigrator.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A bounded hand-off from the reading thread to the writing thread. Keys travel in small batches to
 * keep the per-key cost of crossing threads low; memory stays bounded by the number of batches in
 * flight and the size of each batch. The producer's end, or its failure, travels through the queue
 * too, so the consumer sees every key read before a failure and then the failure itself.
 */
public final class HandoffQueue implements KeySink {
  private static final int BATCH_KEYS = 256;
  private static final long BATCH_BYTES = 1 << 20;

  private record End(Throwable failure) {}

  private final BlockingQueue<Object> queue;
  private List<SourceEvent> batch = new ArrayList<>(BATCH_KEYS);
  private long batchBytes;

  /** A queue holding about {@code maxKeys} keys in flight (at least one batch). */
  public HandoffQueue(int maxKeys) {
    this.queue = new ArrayBlockingQueue<>(Math.max(2, maxKeys / BATCH_KEYS));
  }

  /** Producer side: adds one key, blocking while the consumer is behind. */
  @Override
  public void accept(SourceEvent event) throws InterruptedException {
    batch.add(event);
    batchBytes += event.weight();
    // Live commands and resume points go at once: a replication stream may pause for a long
    // time, and what it sent before the pause must reach the destination now.
    if (!(event instanceof KeyEvent) || batch.size() >= BATCH_KEYS || batchBytes >= BATCH_BYTES) {
      publish();
    }
  }

  /** Whether nothing is waiting for the consumer (the producer may still hold a partial batch). */
  public boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Producer side: hands over a partial batch now (for sources that pause). */
  public void publish() throws InterruptedException {
    if (!batch.isEmpty()) {
      queue.put(batch);
      batch = new ArrayList<>(BATCH_KEYS);
      batchBytes = 0;
    }
  }

  /** Producer side: no more keys; {@code failure} is null on a clean end. */
  public void finish(Throwable failure) throws InterruptedException {
    publish();
    queue.put(new End(failure));
  }

  /**
   * Consumer side: the next batch, or null once the producer finished cleanly.
   *
   * @throws ProducerFailure carrying the producer's failure, after all keys read before it
   */
  @SuppressWarnings("unchecked")
  public List<SourceEvent> take() throws InterruptedException, ProducerFailure {
    Object o = queue.take();
    if (o instanceof End end) {
      // Leave the marker for any later take() so the end is sticky.
      queue.put(end);
      if (end.failure() != null) {
        throw new ProducerFailure(end.failure());
      }
      return null;
    }
    return (List<SourceEvent>) o;
  }

  /**
   * Consumer side: like {@link #take}, but returns an empty list when nothing arrived within {@code
   * timeoutMs}, so a consumer of an endless stream can look up now and then.
   */
  @SuppressWarnings("unchecked")
  public List<SourceEvent> poll(long timeoutMs) throws InterruptedException, ProducerFailure {
    Object o = queue.poll(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    if (o == null) {
      return List.of();
    }
    if (o instanceof End end) {
      queue.put(end);
      if (end.failure() != null) {
        throw new ProducerFailure(end.failure());
      }
      return null;
    }
    return (List<SourceEvent>) o;
  }

  /** Wraps the producer's failure as seen by the consumer. */
  public static final class ProducerFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ProducerFailure(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }
}
