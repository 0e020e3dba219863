package io.github.rediskeysmigrator.core;

/** Pauses the calling thread; injected so tests need not wait for real. */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps for {@code millis} milliseconds (no-op for zero or less). */
  void sleep(long millis) throws InterruptedException;

  /** The real thing. */
  Sleeper SYSTEM =
      millis -> {
        if (millis > 0) {
          Thread.sleep(millis);
        }
      };
}
