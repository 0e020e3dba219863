package io.github.rediskeysmigrator.aof;

import java.nio.file.Path;

/**
 * An append-only file (or manifest) we cannot use, with a message that names the file, the byte
 * offset where it goes wrong when there is one, and the problem.
 */
public class BadAofException extends Exception {
  private static final long serialVersionUID = 1L;

  public BadAofException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public BadAofException(Path file, long offset, String problem) {
    super(file + " at byte " + offset + ": " + problem);
  }

  public BadAofException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
