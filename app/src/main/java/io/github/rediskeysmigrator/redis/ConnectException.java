package io.github.rediskeysmigrator.redis;

/** A server could not be reached or refused our credentials; the message is safe to print. */
public class ConnectException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConnectException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * An interrupt while a reconnect waited for a new master, as the one failure a reconnect may
   * report; the thread's interrupt flag is set again for its caller to see.
   */
  public static ConnectException interruptedWaitingForMaster(InterruptedException e) {
    Thread.currentThread().interrupt();
    return new ConnectException("interrupted while waiting for a new master", e);
  }
}
