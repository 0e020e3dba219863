package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends to the text files the test toolkit leaves behind (server logs, the not-tested list). */
final class LogFiles {
  private LogFiles() {}

  /** Adds {@code text} at the end of {@code file}, creating it if needed. */
  static void append(Path file, String text) {
    try {
      Files.writeString(
          file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
