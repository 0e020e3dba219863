package io.github.rediskeysmigrator.redis;

/**
 * The one reconnect backoff rule of every connection (destination writers, scan and live-scan
 * sources): wait {@code --retry-backoff} times the attempt number, at most {@link #MAX_MILLIS}.
 */
public final class Backoff {
  /** The longest wait before one reconnect, whatever the attempt number. */
  public static final long MAX_MILLIS = 10_000;

  private Backoff() {}

  /**
   * How long to wait before reconnect attempt {@code attempt} (from 1).
   *
   * @param stepMillis --retry-backoff in milliseconds
   */
  public static long millis(long stepMillis, int attempt) {
    return Math.min(stepMillis * attempt, MAX_MILLIS);
  }
}
