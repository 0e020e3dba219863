package io.github.rediskeysmigrator.core;

/** What to do with a key that already exists at the destination. */
public enum ExistencePolicy {
  /** Leave the destination's key untouched and count the source key as skipped (the default). */
  SKIP,
  /** Overwrite the destination's key. */
  REPLACE,
  /** Stop the run at the first key that already exists. */
  FAIL;
}
