package io.github.rediskeysmigrator.core;

import java.util.Locale;

/** What to do with a key that already exists at the destination. */
public enum ExistencePolicy {
  /** Leave the destination's key untouched and count the source key as skipped (the default). */
  SKIP,
  /** Overwrite the destination's key. */
  REPLACE,
  /** Stop the run at the first key that already exists. */
  FAIL;

  /** Parses {@code skip}, {@code replace} or {@code fail}. */
  public static ExistencePolicy parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown existence policy '" + s + "' (expected skip, replace or fail)", e);
    }
  }
}
