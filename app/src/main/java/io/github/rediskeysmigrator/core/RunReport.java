package io.github.rediskeysmigrator.core;

/**
 * How a run ended, as every command's report records it: how long it took, the bytes its source
 * read, its exit code and why it stopped early. Recorded once, by {@link #finish}; read by the
 * report's summary and JSON, from other threads too.
 */
public abstract class RunReport {
  /** How the run ended, recorded as one value so that a reader never sees half of it. */
  private record End(long durationMs, long bytesRead, int exitCode, String stopReason) {}

  private static final End RUNNING = new End(0, 0, -1, null);

  private volatile End end = RUNNING;

  /** Records how the run ended; called once, when nothing is in flight any more. */
  public void finish(long durationMs, long bytesRead, int exitCode, String stopReason) {
    end = new End(durationMs, bytesRead, exitCode, stopReason);
  }

  public long durationMs() {
    return end.durationMs();
  }

  public long bytesRead() {
    return end.bytesRead();
  }

  /** The run's exit code, or -1 before it is finished. */
  public int exitCode() {
    return end.exitCode();
  }

  /** Why the run stopped early, or null when it ran to the end. */
  public String stopReason() {
    return end.stopReason();
  }

  /** Keys read per second over the whole run. */
  public double keysPerSecond() {
    long ms = durationMs();
    return ms <= 0 ? 0 : keysRead() * 1000.0 / ms;
  }

  /** Keys read so far. */
  protected abstract long keysRead();
}
