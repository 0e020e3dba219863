package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.ValueDigest;
import io.github.rediskeysmigrator.rdb.PayloadDecoder;
import io.github.rediskeysmigrator.rdb.RdbTypes;
import io.github.rediskeysmigrator.rdb.StreamIdmp;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides the {@link Outcome} of one key from what the source and the destination hold. The checks
 * go in a fixed order (presence, type, value, TTL) and the first that fails names the outcome, so
 * each key is reported once; a TTL difference found together with a value difference is added to
 * the details.
 */
public final class Judge {

  /**
   * The verdict on one key.
   *
   * @param idmpNotCompared whether the key is a stream whose idempotent-producer state (RDB 13) was
   *     left out of the comparison, the destination holding the stream without it
   */
  public record Verdict(Outcome outcome, String details, boolean idmpNotCompared) {
    public Verdict(Outcome outcome, String details) {
      this(outcome, details, false);
    }
  }

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
    if (ttlDiff == null && valueDiff == null) {
      try {
        ttlDiff = fieldTtlDifference(src, dst, now);
      } catch (UnverifiableException e) {
        return new Verdict(Outcome.UNVERIFIED, e.getMessage());
      }
    }
    if (valueDiff != null) {
      return new Verdict(
          Outcome.VALUE_DIFFERS, ttlDiff == null ? valueDiff : valueDiff + "; also " + ttlDiff);
    }
    if (ttlDiff != null) {
      return new Verdict(Outcome.TTL_DIFFERS, ttlDiff);
    }
    if (src.payload() != null && PayloadDecoder.hasIdmp(src.payload())) {
      if (dst.payload() == null || !PayloadDecoder.hasIdmp(dst.payload())) {
        // Above the big-key threshold the stream is read in chunks (XRANGE, XPENDING), which show
        // no IDMP state; an older destination holds none.
        if (!holdsIdmpIds(src.payload())) {
          return new Verdict(Outcome.IDENTICAL, "");
        }
        return new Verdict(
            Outcome.IDENTICAL, dst.payload() == null ? IDMP_NOT_READ : IDMP_NOT_COMPARED, true);
      }
      try {
        String idmpDiff = idmpDifference(src.payload(), dst.payload());
        if (idmpDiff != null) {
          return new Verdict(Outcome.VALUE_DIFFERS, idmpDiff);
        }
      } catch (UnverifiableException e) {
        return new Verdict(Outcome.UNVERIFIED, e.getMessage());
      }
    }
    return new Verdict(Outcome.IDENTICAL, "");
  }

  /**
   * Whether a type 26 stream remembers idempotent ids: one whose IDMP state is empty loses nothing
   * at a destination without IDMP, so it is compared as any stream. A state that cannot be read
   * counts as held (the stream is then compared without it, and said so).
   */
  private static boolean holdsIdmpIds(byte[] payload) {
    try {
      return !PayloadDecoder.idmpOf(payload).producers().isEmpty();
    } catch (PayloadDecoder.DecodeException e) {
      return true;
    }
  }

  /** The details of a big stream, read in chunks, compared without its IDMP state. */
  static final String IDMP_NOT_READ =
      "stream compared in chunks, without its IDMP state (RDB 13), which chunks do not show";

  /** The details of a stream compared without its IDMP state. */
  static final String IDMP_NOT_COMPARED =
      "stream compared without its IDMP state (RDB 13), which the destination does not hold";

  /**
   * Null when two type 26 streams, equal otherwise, hold the same idempotent-producer state, else
   * what differs.
   */
  static String idmpDifference(byte[] a, byte[] b) throws UnverifiableException {
    if (Arrays.equals(a, b) || sameBody(a, b)) {
      return null;
    }
    StreamIdmp x;
    StreamIdmp y;
    try {
      x = PayloadDecoder.idmpOf(a);
    } catch (PayloadDecoder.DecodeException e) {
      throw new UnverifiableException(
          "the source's IDMP state cannot be read: " + e.getMessage(), e);
    }
    try {
      y = PayloadDecoder.idmpOf(b);
    } catch (PayloadDecoder.DecodeException e) {
      throw new UnverifiableException(
          "the destination's IDMP state cannot be read: " + e.getMessage(), e);
    }
    if (x.equals(y)) {
      return null;
    }
    return "stream: same entries and groups, different IDMP state (source: "
        + x.describe()
        + "; destination: "
        + y.describe()
        + ")";
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

  /**
   * Null when a hash's field TTLs (Redis 7.4+, Valkey 9) agree within the tolerance, else which
   * field differs and how. Fields whose TTL runs out within the tolerance of {@code now} on either
   * side are left out: they may have expired in between. Only values held as DUMP payloads on both
   * sides are compared; a hash above the big-key threshold is read in chunks, without its field
   * TTLs.
   */
  String fieldTtlDifference(KeyState src, KeyState dst, long now) throws UnverifiableException {
    byte[] a = src.payload();
    byte[] b = dst.payload();
    if (src.type() != KeyType.HASH || a == null || b == null) {
      return null;
    }
    if ((!hasFieldTtls(a) && !hasFieldTtls(b)) || Arrays.equals(a, b) || sameBody(a, b)) {
      return null;
    }
    Map<String, Long> at = fieldExpiries(a, "source");
    Map<String, Long> bt = fieldExpiries(b, "destination");
    Set<String> fields = new TreeSet<>(at.keySet());
    fields.addAll(bt.keySet());
    String first = null;
    int differing = 0;
    for (String field : fields) {
      long x = at.getOrDefault(field, NONE);
      long y = bt.getOrDefault(field, NONE);
      if (x == y
          || (x != NONE && x <= now + ttlToleranceMs)
          || (y != NONE && y <= now + ttlToleranceMs)
          || (x != NONE && y != NONE && Math.abs(x - y) <= ttlToleranceMs)) {
        continue;
      }
      differing++;
      if (first == null) {
        first =
            "hash field '"
                + field
                + "': "
                + (x == NONE ? "the source never expires" : "the source expires at " + at(x))
                + ", "
                + (y == NONE ? "the destination never" : "the destination at " + at(y));
      }
    }
    if (first == null) {
      return null;
    }
    return differing == 1 ? first : first + " (and " + (differing - 1) + " more fields)";
  }

  private static final long NONE = -1;

  /** Whether a payload's type is one of the hashes with field TTLs (22 to 25). */
  private static boolean hasFieldTtls(byte[] payload) {
    return RdbTypes.hasFieldTtls(payload[0] & 0xff);
  }

  /** Field (printable) to absolute expiry, for the fields that have one. */
  private static Map<String, Long> fieldExpiries(byte[] payload, String side)
      throws UnverifiableException {
    Map<String, Long> expiries = new HashMap<>();
    try {
      PayloadDecoder.decodeHashFields(
          payload,
          (field, value, expireAtMs) -> {
            if (expireAtMs != NONE) {
              expiries.put(KeyNames.printable(field), expireAtMs);
            }
          });
    } catch (PayloadDecoder.DecodeException e) {
      throw new UnverifiableException(
          "the " + side + "'s hash field TTLs cannot be read: " + e.getMessage(), e);
    }
    return expiries;
  }

  private static String at(long ms) {
    return Instant.ofEpochMilli(ms).toString();
  }
}
