package io.github.rediskeysmigrator.testing;

/** A started server, local process or container, stopped through its own handle. */
public interface ServerProcess {
  /** Whether it still runs (a server that exits at start, e.g. on a bad argument, does not). */
  boolean isAlive();

  /** Stops it, forcibly if it does not go within a few seconds. */
  void stop();

  /** Kills it at once, as a crash would (SIGKILL): nothing is saved or flushed. */
  default void kill() {
    stop();
  }
}
