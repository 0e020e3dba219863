package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.CommandKeys;
import io.github.rediskeysmigrator.core.FunctionListener;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyWriter;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;

/**
 * Writes over several connections to one destination ({@code --writers N}): each connection is a
 * {@link PipelinedWriter} driven by a thread of its own, and each key goes to the connection its
 * hash picks, so everything about one key travels over one connection, in order.
 *
 * <p>A live command goes with its key the same way. A command that no one connection can take in
 * order (keyless, like FLUSHALL; keys that hash to different connections; anything inside a source
 * MULTI/EXEC; every command when batches record a checkpoint marker, which is one per destination)
 * runs <em>serially</em>: every connection is drained first, then it goes over the first
 * connection, which is drained again before anything goes over another one. Outcomes of live
 * commands reach the run in stream order ({@link CommandOrder}).
 */
public final class PartitionedWriter implements KeyWriter {
  /** Keys handed to a connection's thread at once. */
  private static final int BATCH = 128;

  /** Work for one connection's thread, run there. */
  @FunctionalInterface
  private interface Op {
    void run(PipelinedWriter writer) throws WriteException, InterruptedException;
  }

  private final CommandOrder order;
  private final CommandKeys commandKeys;
  private final boolean allCommandsSerial;
  private final List<Lane> lanes = new ArrayList<>();
  // Whether the first connection carries serial commands not yet drained.
  private boolean serialOpen;
  private final SourceTransaction sourceTransaction = new SourceTransaction();

  /**
   * @param writers number of connections
   * @param open opens the writer of connection i (0 first), reporting to the given listener; only
   *     connection 0 may record a checkpoint marker
   * @param allCommandsSerial whether every live command must go over connection 0 (the batches
   *     record a checkpoint marker)
   */
  public PartitionedWriter(
      int writers,
      WriteListener listener,
      CommandKeys commandKeys,
      boolean allCommandsSerial,
      java.util.function.BiFunction<Integer, WriteListener, PipelinedWriter> open) {
    this.order = new CommandOrder(listener);
    this.commandKeys = commandKeys;
    this.allCommandsSerial = allCommandsSerial;
    try {
      for (int i = 0; i < writers; i++) {
        lanes.add(new Lane(i, open.apply(i, order)));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    lanes.forEach(l -> l.thread.start());
  }

  /** Picks a connection by key hash, from {@code writers}. */
  static int laneOf(byte[] key, int writers) {
    int h = Arrays.hashCode(key);
    h ^= h >>> 16;
    return Math.floorMod(h, writers);
  }

  @Override
  public void write(KeyEvent event) throws WriteException, InterruptedException {
    int lane = laneOf(event.key(), lanes.size());
    leaveSerial(lane);
    lanes.get(lane).add(event);
  }

  @Override
  public void writeCommand(CommandEvent command) throws WriteException, InterruptedException {
    // Anything inside a source transaction goes serially, so the transaction stays whole.
    boolean serial = sourceTransaction.note(command) || allCommandsSerial;
    int lane = 0;
    if (!serial) {
      List<byte[]> keys = commandKeys.keys(command.argv());
      if (keys.isEmpty()) {
        serial = true;
      } else {
        lane = laneOf(keys.get(0), lanes.size());
        for (byte[] k : keys) {
          serial |= laneOf(k, lanes.size()) != lane;
        }
      }
    }
    order.expect(command, 1);
    if (serial) {
      if (!serialOpen) {
        barrier();
        serialOpen = true;
      }
      lanes.get(0).add(command);
    } else {
      leaveSerial(lane);
      lanes.get(lane).add(command);
    }
  }

  /** Before anything goes over another connection, what went serially must have applied. */
  private void leaveSerial(int lane) throws WriteException, InterruptedException {
    if (serialOpen && lane != 0) {
      lanes.get(0).await(PipelinedWriter::flush);
      serialOpen = false;
      check();
    }
  }

  /** Every connection sends all it holds and reads every reply. */
  private void barrier() throws WriteException, InterruptedException {
    List<CountDownLatch> done = new ArrayList<>();
    for (Lane l : lanes) {
      done.add(l.submit(PipelinedWriter::flush));
    }
    for (CountDownLatch d : done) {
      d.await();
    }
    serialOpen = false;
    check();
  }

  /**
   * Throws the first connection failure, once every connection has booked all it had: the healthy
   * ones write it, the failed one books it as not sent.
   */
  private void check() throws WriteException, InterruptedException {
    for (Lane l : lanes) {
      if (l.failure != null) {
        for (Lane any : lanes) {
          any.await(PipelinedWriter::flush);
        }
        throw l.failure;
      }
    }
  }

  @Override
  public void flush() throws WriteException, InterruptedException {
    barrier();
  }

  @Override
  public void restoreFunctions(List<byte[]> libraries, FunctionListener listener)
      throws WriteException {
    try {
      lanes.get(0).await(w -> w.restoreFunctions(libraries, listener));
      check();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteException("interrupted while restoring function libraries", e);
    }
  }

  @Override
  public void close() {
    for (Lane l : lanes) {
      l.thread.interrupt();
    }
    for (Lane l : lanes) {
      try {
        l.thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      l.writer.close();
    }
  }

  /** One connection, its thread, and the batches waiting for it. */
  private final class Lane {
    final PipelinedWriter writer;
    final Thread thread;
    final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(4);
    List<Object> batch = new ArrayList<>(BATCH);
    volatile WriteException failure;

    Lane(int index, PipelinedWriter writer) {
      this.writer = writer;
      this.thread = new Thread(this::loop, "rkm-writer-" + index);
      thread.setDaemon(true);
    }

    void add(Object item) throws WriteException, InterruptedException {
      batch.add(item);
      if (batch.size() >= BATCH) {
        queue.put(batch);
        batch = new ArrayList<>(BATCH);
        if (failure != null) {
          check();
        }
      }
    }

    /** Hands over what is batched, then {@code op}; the latch opens once {@code op} ran. */
    CountDownLatch submit(Op op) throws InterruptedException {
      if (!batch.isEmpty()) {
        queue.put(batch);
        batch = new ArrayList<>(BATCH);
      }
      CountDownLatch done = new CountDownLatch(1);
      queue.put(new Run(op, done));
      return done;
    }

    void await(Op op) throws InterruptedException {
      submit(op).await();
    }

    private void loop() {
      try {
        while (true) {
          Object o = queue.take();
          if (o instanceof Run r) {
            if (failure == null) {
              run(r.op());
            }
            r.done().countDown();
          } else {
            @SuppressWarnings("unchecked")
            List<Object> items = (List<Object>) o;
            for (Object item : items) {
              if (failure != null) {
                // Read and counted, but this connection is gone: booked, never silently lost.
                WriteFailure why = WriteFailure.of("not sent: " + failure.getMessage());
                if (item instanceof KeyEvent e) {
                  order.lost(e, why);
                } else if (item instanceof CommandEvent c) {
                  order.commandFailed(c, why);
                }
              } else if (item instanceof KeyEvent e) {
                run(w -> w.write(e));
              } else if (item instanceof CommandEvent c) {
                run(w -> w.writeCommand(c));
              }
            }
          }
        }
      } catch (InterruptedException e) {
        // closed
      }
    }

    private void run(Op op) throws InterruptedException {
      try {
        op.run(writer);
      } catch (WriteException e) {
        failure = e;
      } catch (RuntimeException e) {
        // Not a Redis reply we know: the run stops with it rather than this thread dying silently.
        failure = new WriteException("writer failed: " + e, e);
      }
    }
  }

  private record Run(Op op, CountDownLatch done) {}
}
