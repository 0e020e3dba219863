package io.github.rediskeysmigrator.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Writes to a server from a thread of its own until stopped, in pipelined rounds with a pause
 * between them: the live traffic that the sync and live scan tests must carry over exactly once.
 */
public final class WriteLoad {
  /** One numbered write ({@code n} counts from 1), added to the round's pipeline. */
  public interface Write {
    void add(Pipeline p, long n);
  }

  /**
   * INCR counter and RPUSH log entry-n: after {@code writes()} of them the counter and the length
   * of the log both equal the number of writes, whatever was replayed or lost on the way.
   */
  public static final Write COUNTER_AND_LOG =
      (p, n) -> {
        p.incr("counter");
        p.rpush("log", "entry-" + n);
      };

  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final AtomicLong writes = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;

  private WriteLoad(
      RedisServer server, int perRound, long pauseMs, Write write, Consumer<Jedis> afterRound) {
    thread =
        new Thread(
            () -> {
              try (Jedis s = server.client()) {
                while (writing.get()) {
                  Pipeline p = s.pipelined();
                  for (int i = 0; i < perRound; i++) {
                    write.add(p, writes.incrementAndGet());
                  }
                  p.sync();
                  afterRound.accept(s);
                  Thread.sleep(pauseMs);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                failure.set(e);
              }
            },
            "test-writer");
  }

  /** Starts rounds of {@code perRound} writes on {@code server}, {@code pauseMs} apart. */
  public static WriteLoad start(RedisServer server, int perRound, long pauseMs, Write write) {
    return start(server, perRound, pauseMs, write, s -> {});
  }

  /** The same, with {@code afterRound} run on the connection after each round's pipeline. */
  public static WriteLoad start(
      RedisServer server, int perRound, long pauseMs, Write write, Consumer<Jedis> afterRound) {
    WriteLoad load = new WriteLoad(server, perRound, pauseMs, write, afterRound);
    load.thread.start();
    return load;
  }

  /** How many writes were sent so far (all of them once {@link #stop} returned). */
  public long writes() {
    return writes.get();
  }

  /** Ends the current round, waits for the thread, and fails if a write failed. */
  public void stop() throws InterruptedException {
    writing.set(false);
    thread.join();
    if (failure.get() != null) {
      throw new AssertionError("the write load failed", failure.get());
    }
  }
}
