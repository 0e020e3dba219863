package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisRdbReplicator;
import com.moilioncircle.redis.replicator.rdb.datatype.Stream;
import com.moilioncircle.redis.replicator.rdb.datatype.TTLValue;
import com.moilioncircle.redis.replicator.rdb.datatype.ZSetEntry;
import com.moilioncircle.redis.replicator.rdb.dump.datatype.DumpKeyValuePair;
import com.moilioncircle.redis.replicator.rdb.dump.parser.IterableDumpValueParser;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.ValueDigest;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Computes the {@link ValueDigest} of a DUMP payload by parsing it with Redis Replicator's iterable
 * parser, which walks collections element by element instead of building them in memory. Every
 * encoding of every RDB version Replicator reads gives the same digest for the same data. A stream
 * of RDB 13 (type 26) is digested without its idempotent-producer state: as the type 21 stream a
 * Redis 7.2 to 8.4 holds of it. A hash with field TTLs of Valkey 9 (type 22 in a payload of RDB
 * 80), which Replicator reads as the Redis 7.4 release candidates' type 22 and fails on, is read by
 * {@link PayloadDecoder}.
 */
public final class PayloadDigests {
  private static final int FOOTER = 10;

  private final IterableDumpValueParser parser;

  public PayloadDigests() {
    // The parser needs a Replicator only for its configuration; this one is never opened.
    RedisRdbReplicator replicator =
        new RedisRdbReplicator(InputStream.nullInputStream(), Configuration.defaultSetting());
    this.parser = new IterableDumpValueParser(replicator);
  }

  /** Thrown for a payload this parser cannot read; the message says why. */
  public static final class UnreadablePayloadException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadablePayloadException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The digest of {@code payload} (type byte, body, RDB version, CRC64).
   *
   * @throws UnreadablePayloadException when the payload is not one Replicator can parse
   */
  public ValueDigest.Result digest(byte[] payload) throws UnreadablePayloadException {
    if (payload.length <= FOOTER) {
      throw new UnreadablePayloadException("a DUMP payload has at least 11 bytes", null);
    }
    KeyType type;
    try {
      type = RdbTypes.keyType(payload[0] & 0xff);
    } catch (IllegalArgumentException e) {
      throw new UnreadablePayloadException(e.getMessage(), e);
    }
    if (PayloadDecoder.hasIdmp(payload)) {
      // Replicator reads no type 26; the digest of a stream never covers its IDMP state, which
      // Judge compares on its own where the destination can hold it.
      try {
        payload = PayloadDecoder.withoutIdmp(payload);
      } catch (PayloadDecoder.DecodeException e) {
        throw new UnreadablePayloadException(e.getMessage(), e);
      }
    }
    if (valkeyHashWithFieldTtls(payload)) {
      return valkeyHash(payload);
    }
    ValueDigest digest = new ValueDigest(type);
    if (type == KeyType.MODULE) {
      // Module values are opaque without the module: their serialized body is all there is.
      digest.stringBytes(payload, 1, payload.length - 1 - FOOTER);
      return digest.finish();
    }
    try {
      DumpKeyValuePair kv = new DumpKeyValuePair();
      kv.setKey(new byte[0]);
      kv.setValue(payload);
      feed(digest, type, parser.parse(kv).getValue());
    } catch (AssertionError | RuntimeException e) {
      throw new UnreadablePayloadException(
          "cannot parse the DUMP payload: " + (e.getMessage() == null ? e : e.getMessage()), e);
    }
    return digest.finish();
  }

  private static boolean valkeyHashWithFieldTtls(byte[] payload) {
    return RdbTypes.isValkeyHash2(payload[0] & 0xff, KeyEvent.rdbVersionOf(payload));
  }

  private static ValueDigest.Result valkeyHash(byte[] payload) throws UnreadablePayloadException {
    ValueDigest digest = new ValueDigest(KeyType.HASH);
    try {
      PayloadDecoder.decodeHashFields(
          payload, (field, value, expireAtMs) -> digest.hashField(field, value));
    } catch (PayloadDecoder.DecodeException e) {
      throw new UnreadablePayloadException(e.getMessage(), e);
    }
    return digest.finish();
  }

  @SuppressWarnings("unchecked")
  private static void feed(ValueDigest d, KeyType type, Object value) {
    switch (type) {
      case STRING -> {
        byte[] b = (byte[]) value;
        d.stringBytes(b, 0, b.length);
      }
      case LIST -> ((Iterator<byte[]>) value).forEachRemaining(d::listElement);
      case SET -> ((Iterator<byte[]>) value).forEachRemaining(d::setMember);
      case ZSET ->
          ((Iterator<ZSetEntry>) value)
              .forEachRemaining(e -> d.zsetMember(e.getElement(), e.getScore()));
      case HASH ->
          ((Iterator<Map.Entry<byte[], ?>>) value)
              .forEachRemaining(e -> d.hashField(e.getKey(), hashValue(e.getValue())));
      case STREAM -> stream(d, (Stream) value);
      case MODULE -> throw new IllegalStateException("module values are not parsed");
    }
  }

  /** Field values of hashes with field expiry (Redis 7.4+) come wrapped with their TTL. */
  private static byte[] hashValue(Object v) {
    return v instanceof TTLValue t ? t.getValue() : (byte[]) v;
  }

  private static void stream(ValueDigest d, Stream s) {
    for (Stream.Entry e : s.getEntries().values()) {
      if (e.isDeleted()) {
        continue;
      }
      List<byte[]> fv = new ArrayList<>(e.getFields().size() * 2);
      e.getFields()
          .forEach(
              (f, v) -> {
                fv.add(f);
                fv.add(v);
              });
      d.streamEntry(e.getId().getMs(), e.getId().getSeq(), fv);
    }
    d.streamLastId(s.getLastId().getMs(), s.getLastId().getSeq());
    List<Stream.Group> groups = new ArrayList<>(s.getGroups());
    groups.sort(Comparator.comparing(Stream.Group::getName, Arrays::compareUnsigned));
    for (Stream.Group g : groups) {
      d.streamGroup(g.getName(), g.getLastId().getMs(), g.getLastId().getSeq());
      for (Stream.Nack n : g.getPendingEntries().values()) {
        byte[] consumer = n.getConsumer() == null ? new byte[0] : n.getConsumer().getName();
        d.streamPending(n.getId().getMs(), n.getId().getSeq(), consumer, n.getDeliveryCount());
      }
      List<Stream.Consumer> consumers = new ArrayList<>(g.getConsumers());
      consumers.sort(Comparator.comparing(Stream.Consumer::getName, Arrays::compareUnsigned));
      for (Stream.Consumer c : consumers) {
        d.streamConsumer(c.getName());
      }
    }
  }
}
