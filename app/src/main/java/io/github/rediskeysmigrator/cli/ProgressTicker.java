package io.github.rediskeysmigrator.cli;

import java.io.PrintStream;
import java.time.Clock;

/**
 * Prints a progress line on stderr: rewritten in place every second on a terminal, one line every
 * five seconds otherwise, and a last one on close. What the line says is up to its owner.
 */
final class ProgressTicker implements AutoCloseable {
  /** What a progress line says, given the time since the start and since the line before. */
  interface Line {
    /**
     * @param elapsedMs milliseconds since the ticker started, at least 1
     * @param sinceLastMs milliseconds since the line before (or the start), at least 1
     */
    String text(long elapsedMs, long sinceLastMs);
  }

  private final Line line;
  private final PrintStream err;
  private final boolean terminal;
  private final Clock clock;
  private final long startMs;
  private final Thread thread;
  private long lastLineMs;
  private volatile boolean running = true;

  ProgressTicker(Line line, PrintStream err, boolean terminal, Clock clock, String threadName) {
    this.line = line;
    this.err = err;
    this.terminal = terminal;
    this.clock = clock;
    this.startMs = clock.millis();
    this.lastLineMs = startMs;
    this.thread = new Thread(this::loop, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    long period = terminal ? 1000 : 5000;
    while (running) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      if (running) {
        print(false);
      }
    }
  }

  private synchronized void print(boolean last) {
    long now = clock.millis();
    String text = line.text(Math.max(1, now - startMs), Math.max(1, now - lastLineMs));
    lastLineMs = now;
    if (terminal) {
      err.print("\r" + text + (last ? "\n" : ""));
    } else {
      err.println(text);
    }
    err.flush();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    print(true);
  }
}
