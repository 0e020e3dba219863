package io.github.rediskeysmigrator.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * A bounded hand-off from a producing thread to a consuming one. Items travel in small batches to
 * keep the per-item cost of crossing threads low; memory stays bounded by the number of batches in
 * flight and the size of each batch. The producer's end, or its failure, travels through the queue
 * too, so the consumer sees every item produced before a failure and then the failure.
 *
 * @param <E> what travels: keys and commands of a migration, keys of a verification
 */
public class BatchedHandoff<E> {
  private static final int BATCH_ITEMS = 256;
  private static final long BATCH_BYTES = 1 << 20;

  private record End(Throwable failure) {}

  private final BlockingQueue<Object> queue;
  private final ToLongFunction<E> weight;
  private final Predicate<E> urgent;
  private List<E> batch = new ArrayList<>(BATCH_ITEMS);
  private long batchBytes;

  /**
   * A hand-off holding about {@code maxItems} items in flight (at least two batches).
   *
   * @param weight bytes an item occupies, for the per-batch memory bound
   * @param urgent items that go at once, with the batch before them, instead of waiting for a full
   *     batch
   */
  public BatchedHandoff(int maxItems, ToLongFunction<E> weight, Predicate<E> urgent) {
    this.queue = new ArrayBlockingQueue<>(Math.max(2, maxItems / BATCH_ITEMS));
    this.weight = weight;
    this.urgent = urgent;
  }

  /** The producing side's work: fills this hand-off until its source is exhausted. */
  @FunctionalInterface
  public interface Fill {
    /** Reads the whole source into the hand-off; throws what stops the reading. */
    void run() throws Exception;
  }

  /**
   * Starts the producing side, the one producer loop of a migration and a verification: a daemon
   * thread named {@code name} runs {@code fill}, then hands over its end, or its failure, after the
   * items produced before it ({@link #finish}). An interrupt means the consumer stopped the run:
   * nobody waits for the rest, so the thread just ends.
   */
  public Thread startProducer(String name, Fill fill) {
    Thread t = new Thread(() -> produce(fill), name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void produce(Fill fill) {
    Throwable failure = null;
    try {
      fill.run();
    } catch (InterruptedException e) {
      return;
    } catch (Throwable t) {
      failure = t;
    }
    try {
      finish(failure);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Producer side: adds one item, blocking while the consumer is behind. */
  public void add(E item) throws InterruptedException {
    batch.add(item);
    batchBytes += weight.applyAsLong(item);
    if (urgent.test(item) || batch.size() >= BATCH_ITEMS || batchBytes >= BATCH_BYTES) {
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
      batch = new ArrayList<>(BATCH_ITEMS);
      batchBytes = 0;
    }
  }

  /** Producer side: no more items; {@code failure} is null on a clean end. */
  public void finish(Throwable failure) throws InterruptedException {
    publish();
    queue.put(new End(failure));
  }

  /**
   * Consumer side: the next batch, or null once the producer finished cleanly.
   *
   * @throws ProducerFailure carrying the producer's failure, after all items produced before it
   */
  public List<E> take() throws InterruptedException, ProducerFailure {
    return unwrap(queue.take());
  }

  /**
   * Consumer side: like {@link #take}, but returns an empty list when nothing arrived within {@code
   * timeoutMs}, so a consumer of an endless stream can look up now and then.
   */
  public List<E> poll(long timeoutMs) throws InterruptedException, ProducerFailure {
    Object o = queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
    return o == null ? List.of() : unwrap(o);
  }

  @SuppressWarnings("unchecked")
  private List<E> unwrap(Object o) throws InterruptedException, ProducerFailure {
    if (o instanceof End end) {
      // Leave the marker for any later take() so the end is sticky.
      queue.put(end);
      if (end.failure() != null) {
        throw new ProducerFailure(end.failure());
      }
      return null;
    }
    return (List<E>) o;
  }

  /** Wraps the producer's failure as seen by the consumer. */
  public static final class ProducerFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ProducerFailure(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }
}
