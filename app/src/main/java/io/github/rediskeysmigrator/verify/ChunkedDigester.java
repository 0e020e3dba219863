package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.ValueDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Computes the {@link ValueDigest} of a big key on a live server in chunks, so memory stays bounded
 * by the chunk size whatever the key's size: {@code GETRANGE} for strings, {@code LRANGE} for
 * lists, {@code SSCAN} / {@code ZSCAN} / {@code HSCAN} for sets, sorted sets and hashes, and {@code
 * XRANGE}, {@code XINFO} and {@code XPENDING} for streams. Each call is one short command, so the
 * server is never blocked for long.
 *
 * <p>SCAN-style commands may return an element twice; since the count of elements read is checked
 * against the collection's size before and after, a duplicate (or any change while reading) is
 * noticed, and the key is read once more before being reported as changed.
 */
final class ChunkedDigester {
  private static final byte[] COUNT = ascii("COUNT");
  private static final byte[] ZERO = ascii("0");
  private static final int CHUNK_ELEMENTS = VerifyConfig.Defaults.CHUNK_ELEMENTS;
  private static final int CHUNK_BYTES = VerifyConfig.Defaults.CHUNK_BYTES;

  private final ReplyQueue replies;
  private final String role;

  /**
   * @param role "source" or "destination", for messages
   */
  ChunkedDigester(ReplyQueue replies, String role) {
    this.replies = replies;
    this.role = role;
  }

  /** The key changed while it was being read. */
  private static final class ChangedException extends Exception {
    private static final long serialVersionUID = 1L;

    ChangedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The digest of {@code key} (of {@code type}) in the connection's current db.
   *
   * @throws Judge.UnverifiableException when the key keeps changing while read, or a command is
   *     refused
   */
  ValueDigest.Result digest(byte[] key, KeyType type) throws Judge.UnverifiableException {
    ChangedException last = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        return once(key, type);
      } catch (ChangedException e) {
        last = e;
      } catch (JedisDataException e) {
        throw new Judge.UnverifiableException(
            "the " + role + " refused a read: " + e.getMessage(), e);
      }
    }
    throw new Judge.UnverifiableException(
        "the " + role + "'s value changed while it was read (" + last.getMessage() + ")", last);
  }

  private ValueDigest.Result once(byte[] key, KeyType type) throws ChangedException {
    ValueDigest d = new ValueDigest(type);
    switch (type) {
      case STRING -> string(key, d);
      case LIST -> list(key, d);
      case SET -> scan(key, "SCARD", "SSCAN", 1, d, (m, unused) -> d.setMember(m));
      case ZSET -> scan(key, "ZCARD", "ZSCAN", 2, d, (m, s) -> d.zsetMember(m, score(s)));
      case HASH -> scan(key, "HLEN", "HSCAN", 2, d, d::hashField);
      case STREAM -> stream(key, d);
      case MODULE -> module(key, d);
    }
    return d.finish();
  }

  private void string(byte[] key, ValueDigest d) throws ChangedException {
    long length = integer("STRLEN", key);
    for (long off = 0; off < length; off += CHUNK_BYTES) {
      long end = Math.min(length, off + CHUNK_BYTES) - 1;
      byte[] chunk = (byte[]) call("GETRANGE", key, ascii(off), ascii(end));
      if (chunk.length != end - off + 1) {
        throw new ChangedException("its length changed");
      }
      d.stringBytes(chunk, 0, chunk.length);
    }
    if (integer("STRLEN", key) != length) {
      throw new ChangedException("its length changed");
    }
  }

  @SuppressWarnings("unchecked")
  private void list(byte[] key, ValueDigest d) throws ChangedException {
    long length = integer("LLEN", key);
    for (long start = 0; start < length; start += CHUNK_ELEMENTS) {
      long end = Math.min(length, start + CHUNK_ELEMENTS) - 1;
      List<byte[]> chunk = (List<byte[]>) call("LRANGE", key, ascii(start), ascii(end));
      if (chunk.size() != end - start + 1) {
        throw new ChangedException("its length changed");
      }
      chunk.forEach(d::listElement);
    }
    if (integer("LLEN", key) != length) {
      throw new ChangedException("its length changed");
    }
  }

  /** Takes one element of a SCAN reply: a member, or a field or member with its value or score. */
  @FunctionalInterface
  private interface ElementSink {
    void accept(byte[] first, byte[] second);
  }

  @SuppressWarnings("unchecked")
  private void scan(
      byte[] key,
      String cardCommand,
      String scanCommand,
      int stride,
      ValueDigest d,
      ElementSink sink)
      throws ChangedException {
    long size = integer(cardCommand, key);
    byte[] cursor = ZERO;
    byte[] count = ascii(CHUNK_ELEMENTS);
    do {
      List<Object> reply = (List<Object>) call(scanCommand, key, cursor, COUNT, count);
      cursor = (byte[]) reply.get(0);
      List<byte[]> items = (List<byte[]>) reply.get(1);
      for (int i = 0; i + stride - 1 < items.size(); i += stride) {
        sink.accept(items.get(i), stride == 2 ? items.get(i + 1) : null);
      }
    } while (!Arrays.equals(cursor, ZERO));
    if (d.count() != size || integer(cardCommand, key) != size) {
      // Either the collection changed, or the scan returned an element twice (rehashing).
      throw new ChangedException(
          "read " + d.count() + " elements of " + size + " with " + scanCommand);
    }
  }

  /** A score as ZSCAN prints it: a decimal, or inf / -inf. */
  static double score(byte[] text) {
    String s = new String(text, StandardCharsets.US_ASCII);
    return switch (s) {
      case "inf", "+inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  @SuppressWarnings("unchecked")
  private void stream(byte[] key, ValueDigest d) throws ChangedException {
    Map<String, Object> info = map((List<Object>) call("XINFO", ascii("STREAM"), key));
    long length = (Long) info.get("length");
    long[] lastId = id((byte[]) info.get("last-generated-id"));
    byte[] start = ascii("-");
    byte[] count = ascii(CHUNK_ELEMENTS);
    while (true) {
      List<Object> chunk = (List<Object>) call("XRANGE", key, start, ascii("+"), COUNT, count);
      long[] id = null;
      for (Object o : chunk) {
        List<Object> entry = (List<Object>) o;
        id = id((byte[]) entry.get(0));
        d.streamEntry(id[0], id[1], (List<byte[]>) entry.get(1));
      }
      if (chunk.size() < CHUNK_ELEMENTS) {
        break;
      }
      start = next(id);
    }
    if (d.count() != length) {
      throw new ChangedException("read " + d.count() + " entries of " + length);
    }
    d.streamLastId(lastId[0], lastId[1]);
    List<Map<String, Object>> groups = new ArrayList<>();
    for (Object g : (List<Object>) call("XINFO", ascii("GROUPS"), key)) {
      groups.add(map((List<Object>) g));
    }
    groups.sort(Comparator.comparing(g -> (byte[]) g.get("name"), Arrays::compareUnsigned));
    for (Map<String, Object> g : groups) {
      byte[] name = (byte[]) g.get("name");
      long[] delivered = id((byte[]) g.get("last-delivered-id"));
      d.streamGroup(name, delivered[0], delivered[1]);
      long pending = (Long) g.get("pending");
      long seen = pending(key, name, d);
      if (seen != pending) {
        throw new ChangedException("read " + seen + " pending entries of " + pending);
      }
      List<byte[]> consumers = new ArrayList<>();
      for (Object c : (List<Object>) call("XINFO", ascii("CONSUMERS"), key, name)) {
        consumers.add((byte[]) map((List<Object>) c).get("name"));
      }
      consumers.sort(Arrays::compareUnsigned);
      consumers.forEach(d::streamConsumer);
    }
  }

  @SuppressWarnings("unchecked")
  private long pending(byte[] key, byte[] group, ValueDigest d) {
    byte[] start = ascii("-");
    long seen = 0;
    while (true) {
      List<Object> chunk =
          (List<Object>) call("XPENDING", key, group, start, ascii("+"), ascii(CHUNK_ELEMENTS));
      long[] id = null;
      for (Object o : chunk) {
        List<Object> p = (List<Object>) o;
        id = id((byte[]) p.get(0));
        d.streamPending(id[0], id[1], (byte[]) p.get(1), (Long) p.get(3));
        seen++;
      }
      if (chunk.size() < CHUNK_ELEMENTS) {
        return seen;
      }
      start = next(id);
    }
  }

  private void module(byte[] key, ValueDigest d) throws ChangedException {
    // A module value is opaque without the module: its DUMP body is all there is to compare.
    byte[] payload = (byte[]) call("DUMP", key);
    if (payload == null || payload.length <= 10) {
      throw new ChangedException("it was deleted");
    }
    d.stringBytes(payload, 1, payload.length - 11);
  }

  /**
   * A map reply as a map: RESP3 gives its entries as key-value pairs, RESP2 a flat list (name,
   * value, name, value...).
   */
  private static Map<String, Object> map(List<Object> reply) {
    Map<String, Object> m = new HashMap<>();
    if (!reply.isEmpty() && reply.get(0) instanceof Map.Entry<?, ?>) {
      for (Object o : reply) {
        Map.Entry<?, ?> e = (Map.Entry<?, ?>) o;
        m.put(new String((byte[]) e.getKey(), StandardCharsets.UTF_8), e.getValue());
      }
      return m;
    }
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      m.put(new String((byte[]) reply.get(i), StandardCharsets.UTF_8), reply.get(i + 1));
    }
    return m;
  }

  /** A stream id {@code ms-seq}, both parts unsigned 64-bit. */
  static long[] id(byte[] text) {
    String s = new String(text, StandardCharsets.US_ASCII);
    int dash = s.indexOf('-');
    return new long[] {
      Long.parseUnsignedLong(s.substring(0, dash)), Long.parseUnsignedLong(s.substring(dash + 1))
    };
  }

  /** The smallest id after {@code id}, as an inclusive range start that works on Redis 5+. */
  static byte[] next(long[] id) {
    long ms = id[0];
    long seq = id[1] + 1;
    if (seq == 0) {
      ms++;
    }
    return ascii(Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq));
  }

  private long integer(String command, byte[] key) {
    return (Long) call(command, key);
  }

  /** One command and its reply; an error reply is thrown as {@link JedisDataException}. */
  private Object call(String command, byte[]... args) {
    ProtocolCommand cmd = () -> ascii(command);
    return replies.call(cmd, args);
  }

  private static byte[] ascii(long v) {
    return ascii(Long.toString(v));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
