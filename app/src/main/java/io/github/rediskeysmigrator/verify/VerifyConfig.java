package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.OptionChecks;

/**
 * Everything a verification needs to know, parsed and validated before it starts.
 *
 * @param selection the migration's key selection and db mapping (--db, --db-map, --match, --type,
 *     the db of --to), so verify looks at exactly the keys a migration with the same options wrote
 * @param pipeline keys per round trip to each server
 * @param ttlToleranceMs how far apart two absolute expiries may be and still count as equal
 * @param bigKeyBytes keys whose size (MEMORY USAGE) exceeds this are compared in chunks, not DUMPed
 * @param maxRate keys per second at most; 0 for no limit
 * @param show differences printed on stdout
 */
public record VerifyConfig(
    MigrationConfig selection,
    int pipeline,
    long ttlToleranceMs,
    long bigKeyBytes,
    double maxRate,
    int show) {

  /** The defaults, shared by {@code --help}, the README and the code. */
  public static final class Defaults {
    private Defaults() {}

    /** Seconds two expiries may differ by. */
    public static final String TTL_TOLERANCE_SECONDS = "2";

    /** Size above which a key is compared in chunks instead of with DUMP, as the option reads. */
    public static final String BIG_KEY_THRESHOLD = "64MB";

    /** Differences printed on stdout. */
    public static final int SHOW = 10;

    /** Elements per chunk (COUNT of HSCAN, SSCAN, ZSCAN, XRANGE, XPENDING; LRANGE length). */
    public static final int CHUNK_ELEMENTS = 1000;

    /** Bytes per GETRANGE chunk of a big string. */
    public static final int CHUNK_BYTES = 1 << 20;
  }

  public VerifyConfig {
    OptionChecks.atLeastOne("--pipeline", pipeline);
    OptionChecks.notNegative("--ttl-tolerance", ttlToleranceMs);
    OptionChecks.notNegative("--big-key-threshold", bigKeyBytes);
    OptionChecks.rate("--max-rate", maxRate);
    OptionChecks.notNegative("--show", show);
  }

  /**
   * Parses a size such as {@code 67108864}, {@code 512kb}, {@code 64MB} or {@code 1g} (powers of
   * 1024).
   *
   * @throws IllegalArgumentException naming the option
   */
  public static long parseSize(String option, String text) {
    String s = text.trim().toLowerCase(java.util.Locale.ROOT);
    long unit = 1;
    String[][] units = {{"kb", "k"}, {"mb", "m"}, {"gb", "g"}};
    for (int i = 0; i < units.length; i++) {
      for (String suffix : units[i]) {
        if (s.endsWith(suffix) && unit == 1) {
          unit = 1L << (10 * (i + 1));
          s = s.substring(0, s.length() - suffix.length()).trim();
        }
      }
    }
    if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1).trim();
    }
    try {
      long n = Long.parseLong(s);
      if (n < 0 || n > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      return n * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + " must be a size in bytes such as 67108864, 512KB or 64MB, got '" + text + "'",
          e);
    }
  }
}
