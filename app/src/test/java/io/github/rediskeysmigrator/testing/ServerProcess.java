package io.github.rediskeysmigrator.testing;

import java.util.function.BooleanSupplier;

/** A started server, local process or container, stopped through its own handle. */
public interface ServerProcess {
  /** Whether it still runs (a server that exits at start, e.g. on a bad argument, does not). */
  boolean isAlive();

  /** Stops it, forcibly if it does not go within a few seconds. */
  void stop();

  /** A server whose state {@code alive} reads and which {@code stop} stops. */
  static ServerProcess of(BooleanSupplier alive, Runnable stop) {
    return new ServerProcess() {
      @Override
      public boolean isAlive() {
        return alive.getAsBoolean();
      }

      @Override
      public void stop() {
        stop.run();
      }
    };
  }
}
