package io.github.rediskeysmigrator.core;

/**
 * How a run ended, as every command's report records it: how long it took, the bytes its source
 * read, its exit code and why it stopped early. Recorded once, by {@link #finish}; read by the
 * report's summary and JSON, from other threads too.
 */
public abstract class RunReport {
  private volatile long durationMs;
  private volatile long bytesRead;
  private volatile int exitCode = -1;
  private volatile String stopReason;

  /** Records how the run ended; called once, when nothing is in flight any more. */
  public void finish(long durationMs, long bytesRead, int exitCode, String stopReason) {
    this.durationMs = durationMs;
    this.bytesRead = bytesRead;
    this.exitCode = exitCode;
    this.stopReason = stopReason;
  }

  public long durationMs() {
    return durationMs;
  }

  public long bytesRead() {
    return bytesRead;
  }

  /** The run's exit code, or -1 before it is finished. */
  public int exitCode() {
    return exitCode;
  }

  /** Why the run stopped early, or null when it ran to the end. */
  public String stopReason() {
    return stopReason;
  }

  /** Keys read per second over the whole run. */
  public double keysPerSecond() {
    long ms = durationMs;
    return ms <= 0 ? 0 : keysRead() * 1000.0 / ms;
  }

  /** Keys read so far. */
  protected abstract long keysRead();
}
