package io.github.rediskeysmigrator.conformance;

import java.nio.file.Path;
import java.util.Map;

/**
 * One RDB file of {@code ../shared/rdb-corpus} and what the corpus says about it.
 *
 * @param id the path relative to {@code rdb-corpus}, e.g. {@code public/X.rdb} or {@code
 *     generated/redis-7.4.1/dump.rdb}; the name known-gaps.tsv uses
 * @param file where it is
 * @param source {@code public} or {@code generated}
 * @param header the first bytes as text ({@code REDIS0011}, {@code VALKEY080}), {@code (empty)} for
 *     a 0-byte file
 * @param intent {@code valid}, {@code corrupt} or {@code unknown}, as the file's source repo uses
 *     it (generated fixtures are valid)
 * @param fixture for generated files the fixture's name ({@code redis-7.4.1}), else null
 * @param load for public files their row of expected-load.tsv (redis-server 7.0.15's result), else
 *     an empty map
 * @param expected the canonical content to compare with: {@code expected/<file>.json} for public
 *     files 7.0.15 loaded, {@code expected.json} for fixtures; null when the corpus gives none
 */
record CorpusFile(
    String id,
    Path file,
    String source,
    String header,
    String intent,
    String fixture,
    Map<String, String> load,
    Path expected) {

  /** The RDB version of a {@code REDISnnnn} header, or -1 for anything else. */
  int rdbVersion() {
    if (header.length() == 9 && header.startsWith("REDIS")) {
      try {
        return Integer.parseInt(header.substring(5));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  boolean isPublic() {
    return source.equals("public");
  }

  /** What 7.0.15 did with a public file: {@code yes}, {@code no}, {@code newer than 7.0.15}. */
  String loaded() {
    return load.getOrDefault("loaded", "");
  }

  /** Why 7.0.15 did not load it (from its log), or empty. */
  String loadFailure() {
    return load.getOrDefault("reason", "");
  }

  /** The row of the summary table this file is counted in. */
  String group() {
    return isPublic() ? "public " + header : "generated " + fixture + " (" + header + ")";
  }

  @Override
  public String toString() {
    return id;
  }
}
