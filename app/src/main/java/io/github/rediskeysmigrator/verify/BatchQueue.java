package io.github.rediskeysmigrator.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The bounded hand-off from the thread reading the source to the thread comparing with the
 * destination, like the migration's {@code HandoffQueue} but for {@link SourceKey}s: keys travel in
 * small batches, memory stays bounded by the batches in flight, and the reader's end or failure
 * travels through the queue after every key read before it.
 */
public final class BatchQueue {
  private static final int BATCH_KEYS = 256;
  private static final long BATCH_BYTES = 1 << 20;

  private record End(Throwable failure) {}

  private final BlockingQueue<Object> queue;
  private List<SourceKey> batch = new ArrayList<>(BATCH_KEYS);
  private long batchBytes;

  /** A queue holding about {@code maxKeys} keys in flight (at least two batches). */
  public BatchQueue(int maxKeys) {
    this.queue = new ArrayBlockingQueue<>(Math.max(2, maxKeys / BATCH_KEYS));
  }

  /** Reader side: adds one key, blocking while the comparer is behind. */
  public void add(SourceKey key) throws InterruptedException {
    batch.add(key);
    batchBytes += key.weight();
    if (batch.size() >= BATCH_KEYS || batchBytes >= BATCH_BYTES) {
      publish();
    }
  }

  /** Reader side: hands over a partial batch now. */
  public void publish() throws InterruptedException {
    if (!batch.isEmpty()) {
      queue.put(batch);
      batch = new ArrayList<>(BATCH_KEYS);
      batchBytes = 0;
    }
  }

  /** Reader side: no more keys; {@code failure} is null on a clean end. */
  public void finish(Throwable failure) throws InterruptedException {
    publish();
    queue.put(new End(failure));
  }

  /**
   * Comparer side: the next batch, or null once the reader finished cleanly.
   *
   * @throws ReaderFailure carrying the reader's failure, after all keys read before it
   */
  @SuppressWarnings("unchecked")
  public List<SourceKey> take() throws InterruptedException, ReaderFailure {
    Object o = queue.take();
    if (o instanceof End end) {
      queue.put(end);
      if (end.failure() != null) {
        throw new ReaderFailure(end.failure());
      }
      return null;
    }
    return (List<SourceKey>) o;
  }

  /** Wraps the reader's failure as seen by the comparer. */
  public static final class ReaderFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ReaderFailure(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }
}
