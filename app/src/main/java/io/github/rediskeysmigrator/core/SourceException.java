package io.github.rediskeysmigrator.core;

/** A source could not be read: bad input file or lost source connection. */
public class SourceException extends Exception {
  private static final long serialVersionUID = 1L;

  /** How the run should end because of it. */
  public enum Kind {
    /** The input file is not a usable RDB (exit 5). */
    BAD_INPUT,
    /** The source server cannot be reached or refused us (exit 3). */
    CONNECTION,
    /** A sync could not resume from its checkpoint (exit 7). */
    RESUME_REFUSED
  }

  private final Kind kind;

  public SourceException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public SourceException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }
}
