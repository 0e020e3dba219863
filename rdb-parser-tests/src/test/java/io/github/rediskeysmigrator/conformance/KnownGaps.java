package io.github.rediskeysmigrator.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * known-gaps.tsv: corpus files we cannot handle yet ({@code file<TAB>reason}, a header row, {@code
 * #} comments). Listed files are still run; their test fails once they start passing, so the list
 * can only shrink.
 */
final class KnownGaps {
  private final Path file;
  private final Map<String, String> reasons;

  private KnownGaps(Path file, Map<String, String> reasons) {
    this.file = file;
    this.reasons = reasons;
  }

  /** The list named by {@code -Drkm.knownGaps}, else known-gaps.tsv in the working directory. */
  static KnownGaps load() {
    Path file = Path.of(System.getProperty("rkm.knownGaps", "known-gaps.tsv"));
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the known gaps list " + file, e);
    }
    Map<String, String> reasons = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#") || line.startsWith("file\t")) {
        continue;
      }
      String[] cells = line.split("\t", 2);
      String reason = cells.length > 1 ? cells[1].strip() : "";
      if (reasons.put(cells[0].strip(), reason) != null) {
        throw new IllegalStateException(file + ": " + cells[0] + " is listed twice");
      }
    }
    return new KnownGaps(file, reasons);
  }

  Path file() {
    return file;
  }

  /** The reason {@code id} is listed, or null when it is not. */
  String reason(String id) {
    return reasons.get(id);
  }

  Map<String, String> all() {
    return reasons;
  }
}
