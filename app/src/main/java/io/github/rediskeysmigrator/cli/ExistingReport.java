package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.JsonText;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the {@code skipped_existing} count of a migration's JSON report (--existing-report). */
final class ExistingReport {
  private ExistingReport() {}

  /**
   * The report's {@code skipped_existing}.
   *
   * @throws IllegalArgumentException naming the file, when it cannot be read or is no report
   */
  static long skippedExisting(Path file) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("--existing-report: cannot read " + file + ": " + e, e);
    }
    Object count;
    try {
      count = JsonText.object(json).get("skipped_existing");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--existing-report: " + file + " is not a JSON report: " + e.getMessage(), e);
    }
    if (!(count instanceof BigDecimal n) || n.signum() < 0 || !JsonText.isWholeLong(n)) {
      throw new IllegalArgumentException(
          "--existing-report: "
              + file
              + " is not a migration report (it has no \"skipped_existing\" count)");
    }
    return n.longValueExact();
  }
}
