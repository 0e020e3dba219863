package io.github.rediskeysmigrator.redis;

/** A server could not be reached or refused our credentials; the message is safe to print. */
public class ConnectException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConnectException(String message, Throwable cause) {
    super(message, cause);
  }
}
