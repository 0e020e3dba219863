package io.github.rediskeysmigrator.testing;

import java.util.function.BooleanSupplier;

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

  /** A server whose state {@code alive} reads and which {@code stop} stops. */
  static ServerProcess of(BooleanSupplier alive, Runnable stop) {
    return of(alive, stop, stop);
  }

  /** The same, killed at once (SIGKILL) by {@code kill}. */
  static ServerProcess of(BooleanSupplier alive, Runnable stop, Runnable kill) {
    return new ServerProcess() {
      @Override
      public boolean isAlive() {
        return alive.getAsBoolean();
      }

      @Override
      public void stop() {
        stop.run();
      }

      @Override
      public void kill() {
        kill.run();
      }
    };
  }
}
