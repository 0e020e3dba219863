package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.Sleeper;
import java.util.function.LongSupplier;

/**
 * Keeps the key rate at or below {@code --max-rate} keys per second. It sleeps only once the debt
 * reaches a millisecond, so high rates cost no per-key sleep.
 */
public final class Throttle {
  private static final long MIN_SLEEP_NANOS = 1_000_000L;

  private final double nanosPerKey;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private long next;
  private boolean started;

  /** A throttle at {@code keysPerSecond}; zero means no limit. */
  public Throttle(double keysPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
    this.nanosPerKey = keysPerSecond <= 0 ? 0 : 1e9 / keysPerSecond;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /** Waits, if needed, until one more key may be sent. */
  public void acquire() throws InterruptedException {
    if (nanosPerKey == 0) {
      return;
    }
    long wait;
    // Shared by the connections of --writers: each takes its slot under the lock, then waits.
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (!started) {
        next = now;
        started = true;
      }
      // Idle time is not saved up: a burst after a pause still respects the rate.
      if (next < now) {
        next = now;
      }
      wait = next - now;
      next += (long) nanosPerKey;
    }
    if (wait >= MIN_SLEEP_NANOS) {
      sleeper.sleep(wait / 1_000_000L);
    }
  }
}
