package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.ValueDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * Decides the {@link Outcome} of one key from what the source and the destination hold. The checks
 * go in a fixed order (presence, type, value, TTL) and the first that fails names the outcome, so
 * each key is reported once; a TTL difference found together with a value difference is added to
 * the details.
 */
public final class Judge {

  /** The verdict on one key. */
  public record Verdict(Outcome outcome, String details) {}

  /** Produces the digest of a side's value when DUMP payloads alone cannot decide. */
  @FunctionalInterface
  public interface Digester {
    /**
     * The digest of {@code state}'s value.
     *
     * @throws UnverifiableException when the value cannot be read or parsed
     */
    ValueDigest.Result digest(KeyState state) throws UnverifiableException;
  }

  /** The value of a key cannot be compared; the message says why. */
  public static final class UnverifiableException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnverifiableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final long ttlToleranceMs;

  public Judge(long ttlToleranceMs) {
    this.ttlToleranceMs = ttlToleranceMs;
  }

  /**
   * Judges one key that the source holds.
   *
   * @param src the source's state (existing)
   * @param dst the destination's state
   * @param now the wall clock, for keys expiring around now
   * @param sourceDigests digests of source values
   * @param destinationDigests digests of destination values
   */
  public Verdict judge(
      KeyState src, KeyState dst, long now, Digester sourceDigests, Digester destinationDigests) {
    if (!dst.exists()) {
      if (src.hasExpiry() && src.expireAtMs() <= now + ttlToleranceMs) {
        // It may well have expired at the destination in between: that is no difference.
        return new Verdict(Outcome.SKIPPED_EXPIRED, "expired");
      }
      return new Verdict(Outcome.MISSING, "the destination has no such key");
    }
    if (src.type() != dst.type()) {
      return new Verdict(
          Outcome.TYPE_DIFFERS,
          "the source holds a "
              + src.type().redisName()
              + ", the destination a "
              + dst.type().redisName());
    }
    if (src.unreadable() != null) {
      return new Verdict(Outcome.UNVERIFIED, "at the source: " + src.unreadable());
    }
    if (dst.unreadable() != null) {
      return new Verdict(Outcome.UNVERIFIED, "at the destination: " + dst.unreadable());
    }
    String valueDiff;
    try {
      valueDiff = valueDifference(src, dst, sourceDigests, destinationDigests);
    } catch (UnverifiableException e) {
      return new Verdict(Outcome.UNVERIFIED, e.getMessage());
    }
    String ttlDiff = ttlDifference(src, dst);
    if (valueDiff != null) {
      return new Verdict(
          Outcome.VALUE_DIFFERS, ttlDiff == null ? valueDiff : valueDiff + "; also " + ttlDiff);
    }
    if (ttlDiff != null) {
      return new Verdict(Outcome.TTL_DIFFERS, ttlDiff);
    }
    return new Verdict(Outcome.IDENTICAL, "");
  }

  /**
   * Null when the values are equal: the same DUMP payload (or the same body under another RDB
   * version), else the same canonical digest.
   */
  static String valueDifference(
      KeyState src, KeyState dst, Digester sourceDigests, Digester destinationDigests)
      throws UnverifiableException {
    byte[] a = src.payload();
    byte[] b = dst.payload();
    if (a != null && b != null && (Arrays.equals(a, b) || sameBody(a, b))) {
      return null;
    }
    ValueDigest.Result da = src.digest() != null ? src.digest() : sourceDigests.digest(src);
    ValueDigest.Result db = dst.digest() != null ? dst.digest() : destinationDigests.digest(dst);
    if (da.hex().equals(db.hex())) {
      return null;
    }
    KeyType type = src.type();
    String unit = unit(type);
    if (da.count() != db.count()) {
      return String.format(
          Locale.ROOT,
          "%s: the source has %,d %s, the destination %,d",
          type.redisName(),
          da.count(),
          unit,
          db.count());
    }
    return String.format(
        Locale.ROOT,
        "%s: same size (%,d %s), different %s",
        type.redisName(),
        da.count(),
        unit,
        type == KeyType.STREAM ? "entries, last id or consumer groups" : "content");
  }

  private static boolean sameBody(byte[] a, byte[] b) {
    int footer = 10;
    return a.length == b.length
        && a.length > footer
        && Arrays.equals(a, 0, a.length - footer, b, 0, b.length - footer);
  }

  private static String unit(KeyType type) {
    return switch (type) {
      case STRING -> "bytes";
      case LIST -> "elements";
      case SET, ZSET -> "members";
      case HASH -> "fields";
      case STREAM -> "entries";
      case MODULE -> "payload bytes";
    };
  }

  /** Null when both sides have no expiry, or expiries within the tolerance. */
  String ttlDifference(KeyState src, KeyState dst) {
    if (!src.hasExpiry() && !dst.hasExpiry()) {
      return null;
    }
    if (!dst.hasExpiry()) {
      return "the source expires at " + at(src.expireAtMs()) + ", the destination never";
    }
    if (!src.hasExpiry()) {
      return "the source never expires, the destination at " + at(dst.expireAtMs());
    }
    long delta = dst.expireAtMs() - src.expireAtMs();
    if (Math.abs(delta) <= ttlToleranceMs) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "the source expires at %s, the destination %.3f s %s (tolerance %.3f s)",
        at(src.expireAtMs()),
        Math.abs(delta) / 1000.0,
        delta > 0 ? "later" : "earlier",
        ttlToleranceMs / 1000.0);
  }

  private static String at(long ms) {
    return Instant.ofEpochMilli(ms).toString();
  }
}
