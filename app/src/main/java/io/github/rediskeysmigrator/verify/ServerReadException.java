package io.github.rediskeysmigrator.verify;

/** A server refused a read that every key needs (so the run cannot go on); safe to print. */
public class ServerReadException extends Exception {
  private static final long serialVersionUID = 1L;

  public ServerReadException(String message, Throwable cause) {
    super(message, cause);
  }
}
