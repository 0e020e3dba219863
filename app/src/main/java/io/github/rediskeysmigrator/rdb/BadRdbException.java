package io.github.rediskeysmigrator.rdb;

import java.nio.file.Path;

/** An RDB file we cannot use, with a message that names the file and the problem. */
public class BadRdbException extends Exception {
  private static final long serialVersionUID = 1L;

  public BadRdbException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public BadRdbException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
