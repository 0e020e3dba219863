package io.github.rediskeysmigrator.cli;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Prints a progress line on stderr: rewritten in place every second on a terminal, one line every
 * five seconds otherwise, and a last one on close. What the line says is up to its owner.
 */
final class ProgressTicker implements AutoCloseable {
  private final Supplier<String> line;
  private final PrintStream err;
  private final boolean terminal;
  private final Thread thread;
  private volatile boolean running = true;

  ProgressTicker(Supplier<String> line, PrintStream err, boolean terminal, String threadName) {
    this.line = line;
    this.err = err;
    this.terminal = terminal;
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
    String text = line.get();
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
