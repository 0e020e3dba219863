package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the value of a DUMP payload element by element, in every encoding Redis 2.x to 8.x and
 * Valkey 7.2 to 8.x write (RDB value types 0-5 and 9-25), and hands the elements to a {@link
 * Handler}. It is what lets a key be rewritten as plain commands for a destination too old to
 * RESTORE the payload.
 *
 * <p>We decode ourselves rather than through Redis Replicator 3.11's {@code
 * IterableDumpValueParser}, which cannot read 23 payloads of the corpus (PayloadDecoderCorpusIT): a
 * zset score of {@code inf} or {@code -inf} in a ziplist or listpack (NumberFormatException: it
 * parses Redis's "-inf" with Double.valueOf), a stream whose entries have other field counts than
 * the master entry ({@code stream:main} of every generated fixture, Redis 6.2 to 8.0 and Valkey
 * 8.0: IndexOutOfBoundsException), a zipmap with values of 254 bytes or more, and the hash types 22
 * and 23 of the Redis 7.4 release candidates. It also keeps a field named twice in one stream entry
 * only once. Working around each would mean rewriting those code paths anyway; the formats are
 * small and documented in Redis's rdb.c, ziplist.c, listpack.c, intset.c, zipmap.c and t_stream.c.
 *
 * <p>The payload's CRC64 is not checked here: the reader that produced the payload sealed it. Each
 * family of types has its decoder ({@link CollectionDecoder}, {@link PackedDecoder}, {@link
 * HashTtlDecoder}, {@link StreamDecoder}), all reading through one {@link RdbReader}.
 */
public final class PayloadDecoder {
  private static final int FOOTER = 10;

  /** Receives the elements of one value, in payload order. */
  public interface Handler {
    /** A string value (int-encoded strings arrive as their decimal text). */
    void string(byte[] value) throws DecodeException;

    /** The next list element, head to tail. */
    void listElement(byte[] element) throws DecodeException;

    /** A set member. */
    void setMember(byte[] member) throws DecodeException;

    /** A sorted set member and its score (may be infinite). */
    void zsetMember(byte[] member, double score) throws DecodeException;

    /**
     * A hash field.
     *
     * @param expireAtMs the field's absolute expiry (Redis 7.4+ hash field TTL), or -1 for none
     */
    void hashField(byte[] field, byte[] value, long expireAtMs) throws DecodeException;

    /** A whole stream: streams are decoded into memory before they are handed over. */
    void stream(StreamValue stream) throws DecodeException;
  }

  /** Receives the fields of a hash. */
  @FunctionalInterface
  public interface HashFields {
    /**
     * @param expireAtMs the field's absolute expiry, or -1 for none
     */
    void field(byte[] field, byte[] value, long expireAtMs);
  }

  /** Hands every field of the hash in {@code payload} to {@code fields}, in payload order. */
  public static void decodeHashFields(byte[] payload, HashFields fields) throws DecodeException {
    decode(
        payload,
        new IgnoringHandler() {
          @Override
          public void hashField(byte[] field, byte[] value, long expireAtMs) {
            fields.field(field, value, expireAtMs);
          }
        });
  }

  /** A handler that ignores every value; extend it to catch only the values you need. */
  public static class IgnoringHandler implements Handler {
    @Override
    public void string(byte[] value) {}

    @Override
    public void listElement(byte[] element) {}

    @Override
    public void setMember(byte[] member) {}

    @Override
    public void zsetMember(byte[] member, double score) {}

    @Override
    public void hashField(byte[] field, byte[] value, long expireAtMs) {}

    @Override
    public void stream(StreamValue stream) {}
  }

  /** A payload we cannot decode (corrupt, or a type we cannot rewrite); the message says why. */
  public static final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public DecodeException(String message) {
      super(message);
    }
  }

  /** A stream ID. */
  public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    public static final StreamId ZERO = new StreamId(0, 0);

    @Override
    public int compareTo(StreamId o) {
      int c = Long.compareUnsigned(ms, o.ms);
      return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    @Override
    public String toString() {
      return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
  }

  /** One stream entry: its id and its field, value, field, value, ... list. */
  public record StreamEntry(StreamId id, List<byte[]> fieldsAndValues) {}

  /** A pending entry of a consumer group. */
  public record PendingEntry(
      StreamId id, byte[] consumer, long deliveryTimeMs, long deliveryCount) {}

  /**
   * A consumer group.
   *
   * @param entriesRead the group's entries-read counter (RDB 10+), or -1 when unknown
   */
  public record Group(
      byte[] name,
      StreamId lastDelivered,
      long entriesRead,
      List<PendingEntry> pending,
      List<byte[]> consumers) {}

  /**
   * A stream value.
   *
   * @param entries live entries, in id order
   * @param lastId the last generated id
   * @param maxDeletedId the max-deleted-entry-id (RDB 10+), else ZERO
   * @param entriesAdded the entries-added counter (RDB 10+), or -1 when unknown
   * @param groups consumer groups with their pending entries and consumers
   * @param idmp the idempotent-producer state (RDB 13's type 26), or null for older types
   */
  public record StreamValue(
      List<StreamEntry> entries,
      StreamId lastId,
      StreamId maxDeletedId,
      long entriesAdded,
      List<Group> groups,
      StreamIdmp idmp) {}

  private PayloadDecoder() {}

  /**
   * Decodes {@code payload} (type byte, body, RDB version, CRC64) into {@code handler}.
   *
   * @throws DecodeException for a payload that is corrupt or holds a module value
   */
  public static void decode(byte[] payload, Handler handler) throws DecodeException {
    if (payload.length <= FOOTER) {
      throw new DecodeException("a DUMP payload has at least 11 bytes");
    }
    int type = payload[0] & 0xff;
    boolean valkeyHash = RdbTypes.isValkeyHash2(type, KeyEvent.rdbVersionOf(payload));
    decode(type, valkeyHash, RdbReader.of(payload, 1, payload.length - FOOTER), handler);
  }

  /**
   * Decodes a payload of {@code length} bytes read from {@code in} (positioned at its type byte)
   * element by element, so that a value of any size passes through bounded memory: only single
   * elements (and single ziplist / listpack nodes) are held. Stream values are the exception: they
   * are decoded whole.
   *
   * @throws IOException when reading {@code in} fails
   */
  public static void decode(InputStream in, long length, Handler handler)
      throws DecodeException, IOException {
    if (length <= FOOTER) {
      throw new DecodeException("a DUMP payload has at least 11 bytes");
    }
    int type = in.read();
    if (type < 0) {
      throw new DecodeException("the payload file is empty");
    }
    try {
      decode(type, false, RdbReader.of(in, length - 1 - FOOTER), handler);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void decode(int type, boolean valkeyHash, RdbReader in, Handler handler)
      throws DecodeException {
    try {
      if (valkeyHash) {
        HashTtlDecoder.valkeyHash2(in, handler);
      } else {
        value(type, in, handler);
      }
    } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new DecodeException("corrupt DUMP payload of RDB type " + type + " (truncated)");
    }
    if (in.remaining() != 0) {
      throw new DecodeException(
          "corrupt DUMP payload of RDB type " + type + ": " + in.remaining() + " bytes left");
    }
  }

  /** The key type of a payload, or null when its type byte is unknown. */
  public static KeyType type(byte[] payload) {
    try {
      return RdbTypes.keyType(payload[0] & 0xff);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Hands the value to the decoder of its type's family. */
  private static void value(int type, RdbReader in, Handler h) throws DecodeException {
    switch (type) {
      case RdbTypes.STRING,
          RdbTypes.LIST,
          RdbTypes.SET,
          RdbTypes.ZSET,
          RdbTypes.HASH,
          RdbTypes.ZSET_2 ->
          CollectionDecoder.value(type, in, h);
      case RdbTypes.HASH_ZIPMAP,
          RdbTypes.LIST_ZIPLIST,
          RdbTypes.SET_INTSET,
          RdbTypes.ZSET_ZIPLIST,
          RdbTypes.HASH_ZIPLIST,
          RdbTypes.LIST_QUICKLIST,
          RdbTypes.HASH_LISTPACK,
          RdbTypes.ZSET_LISTPACK,
          RdbTypes.LIST_QUICKLIST_2,
          RdbTypes.SET_LISTPACK ->
          PackedDecoder.value(type, in, h);
      case RdbTypes.HASH_METADATA_PRE_GA,
          RdbTypes.HASH_LISTPACK_EX_PRE_GA,
          RdbTypes.HASH_METADATA,
          RdbTypes.HASH_LISTPACK_EX ->
          HashTtlDecoder.value(type, in, h);
      case RdbTypes.STREAM_LISTPACKS,
          RdbTypes.STREAM_LISTPACKS_2,
          RdbTypes.STREAM_LISTPACKS_3,
          RdbTypes.STREAM_LISTPACKS_4 ->
          h.stream(StreamDecoder.stream(type, in));
      case RdbTypes.MODULE_PRE_GA, RdbTypes.MODULE_2 ->
          throw new DecodeException("a module value cannot be rewritten as commands");
      default -> throw new DecodeException("unknown RDB value type " + type);
    }
  }

  /** Whether {@code payload} is RDB 13's stream with idempotent-producer state (type 26). */
  public static boolean hasIdmp(byte[] payload) {
    return payload.length > FOOTER && (payload[0] & 0xff) == RdbTypes.STREAM_LISTPACKS_4;
  }

  /**
   * The idempotent-producer state of a type 26 payload.
   *
   * @throws DecodeException when the payload is corrupt or not of type 26
   */
  public static StreamIdmp idmpOf(byte[] payload) throws DecodeException {
    if (!hasIdmp(payload)) {
      throw new DecodeException("not a stream with IDMP state (RDB type 26)");
    }
    RdbReader.InMemory in = RdbReader.of(payload, 1, payload.length - FOOTER);
    try {
      return StreamDecoder.stream(RdbTypes.STREAM_LISTPACKS_4, in).idmp();
    } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new DecodeException("corrupt DUMP payload of RDB type 26 (truncated)");
    }
  }

  /**
   * The same stream as a type 21 payload of RDB 12, its idempotent-producer state left out: what
   * Redis 7.2 to 8.4 hold of it, and what Redis Replicator's parsers read.
   *
   * @throws DecodeException when the payload is corrupt or not of type 26
   */
  public static byte[] withoutIdmp(byte[] payload) throws DecodeException {
    return splitIdmp(payload, 12).payload();
  }

  /**
   * A type 26 stream taken apart in one pass: the type 21 stream it holds, sealed with {@code
   * rdbVersion}, and the idempotent-producer state that followed it.
   *
   * @param payload the type 21 payload
   * @param idmp the state left out of it
   */
  public record SplitStream(byte[] payload, StreamIdmp idmp) {}

  /**
   * {@code payload} (type 26) as the type 21 payload of RDB version {@code rdbVersion} it holds,
   * with the IDMP state it leaves out.
   *
   * @throws DecodeException when the payload is corrupt or not of type 26
   */
  public static SplitStream splitIdmp(byte[] payload, int rdbVersion) throws DecodeException {
    if (!hasIdmp(payload)) {
      throw new DecodeException("not a stream with IDMP state (RDB type 26)");
    }
    RdbReader.InMemory in = RdbReader.of(payload, 1, payload.length - FOOTER);
    int end;
    StreamIdmp idmp;
    try {
      StreamDecoder.stream(RdbTypes.STREAM_LISTPACKS_3, in);
      end = in.position();
      // Type 26 is type 21 followed by the IDMP state (as stream() reads it for 26).
      idmp = StreamDecoder.idmp(in);
    } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new DecodeException("corrupt DUMP payload of RDB type 26 (truncated)");
    }
    byte[] out = Arrays.copyOf(payload, end + FOOTER);
    out[0] = RdbTypes.STREAM_LISTPACKS_3;
    Crc64.seal(out, end, rdbVersion);
    return new SplitStream(out, idmp);
  }
}
