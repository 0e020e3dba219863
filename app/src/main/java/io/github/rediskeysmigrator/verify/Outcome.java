package io.github.rediskeysmigrator.verify;

/**
 * How the comparison of one source key ended; every key read ends in exactly one. {@link #EXTRA} is
 * the one outcome of a destination key instead (--extra-keys), not counted in {@code read}.
 */
public enum Outcome {
  /** Same type, value and expiry (within the tolerance). */
  IDENTICAL("identical", "identical"),
  /** The destination has no such key. */
  MISSING("missing", "missing"),
  /** The destination's key has another type. */
  TYPE_DIFFERS("type_differs", "type differs"),
  /** Same type, another value (the expiry may differ too; the details say). */
  VALUE_DIFFERS("value_differs", "value differs"),
  /** Same value, but one side has no expiry or the expiries are further apart than allowed. */
  TTL_DIFFERS("ttl_differs", "TTL differs"),
  /** The value could not be compared: it changed while being read, or cannot be parsed. */
  UNVERIFIED("unverified", "unverified"),
  /** The key's TTL had run out (or runs out within the tolerance): not compared. */
  SKIPPED_EXPIRED("skipped_expired", "skipped (expired)"),
  /** A live source listed the key but it was gone when read: not compared. */
  SKIPPED_GONE("skipped_gone", "skipped (gone)"),
  /** Left out by --db, --match or --type. */
  FILTERED("filtered", "filtered"),
  /** A destination key that no source key accounts for (--extra-keys); not a key read. */
  EXTRA("extra", "extra at destination");

  private final String jsonName;
  private final String label;

  Outcome(String jsonName, String label) {
    this.jsonName = jsonName;
    this.label = label;
  }

  /** The name in the JSON report and the diff file. */
  public String jsonName() {
    return jsonName;
  }

  /** The name in the printed summary. */
  public String label() {
    return label;
  }

  /** Whether this outcome is a difference (listed, counted, exit code 6). */
  public boolean isDifference() {
    return this == MISSING
        || this == TYPE_DIFFERS
        || this == VALUE_DIFFERS
        || this == TTL_DIFFERS
        || this == UNVERIFIED
        || this == EXTRA;
  }
}
