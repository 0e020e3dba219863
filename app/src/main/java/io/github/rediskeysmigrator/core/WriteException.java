package io.github.rediskeysmigrator.core;

/** The destination became unusable (connection lost, protocol error): the run must stop. */
public class WriteException extends Exception {
  private static final long serialVersionUID = 1L;

  public WriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
