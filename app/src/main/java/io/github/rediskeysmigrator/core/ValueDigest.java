package io.github.rediskeysmigrator.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A canonical digest of one Redis value, the same whether the value was read from a DUMP payload or
 * streamed in chunks with type commands (GETRANGE, LRANGE, SSCAN, ZSCAN, HSCAN, XRANGE...). Two
 * values with the same digest hold the same data, whatever their encoding, RDB version or
 * hash-table iteration order.
 *
 * <p>Canonical forms: a string is its bytes (chunk boundaries do not matter); a list is its
 * elements in order; a set, a hash and a sorted set are unordered collections of members, field and
 * value pairs, and member and score pairs; a stream is its entries in id order (id, then fields and
 * values in order), its last id, then each consumer group in name order with its last-delivered id,
 * its pending entries in id order (id, consumer, delivery count) and its consumer names in order.
 * Times (idle, delivery and seen times) are left out: they move with the clock. A module value is
 * its payload's body, which can only be compared byte for byte.
 *
 * <p>Ordered parts feed one SHA-256; each member of an unordered collection is hashed alone and the
 * hashes are added up (mod 2^128), so the order of arrival does not matter and memory stays
 * constant. Not thread-safe; one instance digests one value.
 */
public final class ValueDigest {
  /** What the next ordered part is, fed to the digest before it so that parts cannot blur. */
  private enum Tag {
    ELEMENT,
    ENTRY,
    LAST_ID,
    GROUP,
    PENDING,
    CONSUMER;

    /** The tag's byte: 1 for ELEMENT, and so on. */
    byte value() {
      return (byte) (ordinal() + 1);
    }
  }

  private final KeyType type;
  private final MessageDigest ordered;
  private final MessageDigest member;
  private final byte[] frame = new byte[8];
  private long sumHigh;
  private long sumLow;
  private long count;

  /** The digest of a {@code type} value, empty so far. */
  public ValueDigest(KeyType type) {
    this.type = type;
    this.ordered = sha256();
    this.member = sha256();
    ordered.update((byte) type.ordinal());
  }

  /**
   * The outcome.
   *
   * @param type the value's type
   * @param count bytes of a string or module value, elements of a collection, entries of a stream
   * @param hex the digest, hexadecimal
   */
  public record Result(KeyType type, long count, String hex) {}

  /** More bytes of a string (or of a module value's payload body). */
  public void stringBytes(byte[] b, int off, int len) {
    ordered.update(b, off, len);
    count += len;
  }

  /** The next list element. */
  public void listElement(byte[] element) {
    ordered.update(Tag.ELEMENT.value());
    framed(ordered, element);
    count++;
  }

  /** One set member, in any order. */
  public void setMember(byte[] m) {
    framed(member, m);
    addMember();
  }

  /** One sorted-set member with its score, in any order. */
  public void zsetMember(byte[] m, double score) {
    framed(member, m);
    long bits = Double.doubleToLongBits(score);
    for (int i = 0; i < 8; i++) {
      frame[i] = (byte) (bits >>> (56 - 8 * i));
    }
    member.update(frame, 0, 8);
    addMember();
  }

  /** One hash field with its value, in any order. */
  public void hashField(byte[] field, byte[] value) {
    framed(member, field);
    framed(member, value);
    addMember();
  }

  /** The next stream entry (ids in ascending order): its id, then fields and values in order. */
  public void streamEntry(long ms, long seq, java.util.List<byte[]> fieldsAndValues) {
    ordered.update(Tag.ENTRY.value());
    id(ms, seq);
    number(fieldsAndValues.size());
    for (byte[] b : fieldsAndValues) {
      framed(ordered, b);
    }
    count++;
  }

  /** The stream's last generated id, after every entry. */
  public void streamLastId(long ms, long seq) {
    ordered.update(Tag.LAST_ID.value());
    id(ms, seq);
  }

  /** A consumer group, in ascending byte order of names, after the last id. */
  public void streamGroup(byte[] name, long lastDeliveredMs, long lastDeliveredSeq) {
    ordered.update(Tag.GROUP.value());
    framed(ordered, name);
    id(lastDeliveredMs, lastDeliveredSeq);
  }

  /** A pending entry of the current group, in ascending id order. */
  public void streamPending(long ms, long seq, byte[] consumer, long deliveryCount) {
    ordered.update(Tag.PENDING.value());
    id(ms, seq);
    framed(ordered, consumer);
    number(deliveryCount);
  }

  /** A consumer of the current group, in ascending byte order of names, after its pending ones. */
  public void streamConsumer(byte[] name) {
    ordered.update(Tag.CONSUMER.value());
    framed(ordered, name);
  }

  /** Elements seen so far (bytes for a string). */
  public long count() {
    return count;
  }

  /** Finishes the digest; the instance is spent. */
  public Result finish() {
    number(count);
    number(sumHigh);
    number(sumLow);
    return new Result(type, count, HexFormat.of().formatHex(ordered.digest()));
  }

  private void addMember() {
    byte[] h = member.digest();
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (h[i] & 0xffL);
      low = (low << 8) | (h[8 + i] & 0xffL);
    }
    long newLow = sumLow + low;
    // Carry into the high lane keeps the sum a true 128-bit addition.
    sumHigh += high + (Long.compareUnsigned(newLow, sumLow) < 0 ? 1 : 0);
    sumLow = newLow;
    count++;
  }

  private void id(long ms, long seq) {
    number(ms);
    number(seq);
  }

  private void number(long v) {
    for (int i = 0; i < 8; i++) {
      frame[i] = (byte) (v >>> (56 - 8 * i));
    }
    ordered.update(frame, 0, 8);
  }

  private void framed(MessageDigest md, byte[] b) {
    long n = b.length;
    for (int i = 0; i < 8; i++) {
      frame[i] = (byte) (n >>> (56 - 8 * i));
    }
    md.update(frame, 0, 8);
    md.update(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
