package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.redis.ConnectException;

/**
 * A run that cannot start: the one line that says why and its exit code. Thrown wherever a command
 * finds it, and ended in one place, {@link Launch#run}.
 */
final class StartFailure extends Exception {
  private final int exitCode;

  StartFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  /** A usage or configuration error (exit 2). */
  static StartFailure usage(String message) {
    return new StartFailure(ExitCode.USAGE, message);
  }

  /** A server that cannot be reached or refuses us (exit 3). */
  static StartFailure connection(String message) {
    return new StartFailure(ExitCode.CONNECTION, message);
  }

  /** A bad input file (exit 5). */
  static StartFailure badInput(String message) {
    return new StartFailure(ExitCode.BAD_INPUT, message);
  }

  int exitCode() {
    return exitCode;
  }

  /** Opens a server-side part of a run (a source, the destination's writers). */
  interface Opening<T> {
    T open() throws ConnectException;
  }

  /**
   * What {@code opening} opens; a server that cannot be reached is exit 3, one that cannot serve
   * the run as planned (an IllegalArgumentException) exit 2.
   */
  static <T> T opened(Opening<T> opening) throws StartFailure {
    try {
      return opening.open();
    } catch (ConnectException e) {
      throw connection(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }
}
