package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * <p>The payload's CRC64 is not checked here: the reader that produced the payload sealed it.
 */
public final class PayloadDecoder {
  private static final int FOOTER = 10;

  /** RDB 13's stream with idempotent-producer state (Redis 8.6). */
  static final int STREAM_LISTPACKS_4 = 26;

  /**
   * Our own code for Valkey 9's hash with field TTLs: type 22 in a payload of RDB version 80 and
   * later, where Redis' 22 is the 7.4 release candidates' layout.
   */
  private static final int VALKEY_HASH_2 = 0x10000 + 22;

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
    int version = KeyEvent.rdbVersionOf(payload);
    if (type == 22 && version >= RdbHeader.VALKEY_9) {
      type = VALKEY_HASH_2;
    }
    decode(type, new ArrayReader(payload, 1, payload.length - FOOTER), handler);
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
    StreamReader r = new StreamReader(in, length - 1 - FOOTER);
    try {
      decode(type, r, handler);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void decode(int type, Reader in, Handler handler) throws DecodeException {
    try {
      value(type, in, handler);
    } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new DecodeException(
          "corrupt DUMP payload of RDB type " + (type & 0xff) + " (truncated)");
    }
    if (in.remaining() != 0) {
      throw new DecodeException(
          "corrupt DUMP payload of RDB type "
              + (type & 0xff)
              + ": "
              + in.remaining()
              + " bytes left");
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

  private static void value(int type, Reader in, Handler h) throws DecodeException {
    switch (type) {
      case 0 -> h.string(in.string());
      case 1 -> {
        long n = in.length();
        for (long i = 0; i < n; i++) {
          h.listElement(in.string());
        }
      }
      case 2 -> {
        long n = in.length();
        for (long i = 0; i < n; i++) {
          h.setMember(in.string());
        }
      }
      case 3, 5 -> {
        long n = in.length();
        for (long i = 0; i < n; i++) {
          byte[] member = in.string();
          h.zsetMember(member, type == 3 ? in.textDouble() : Double.longBitsToDouble(in.le(8)));
        }
      }
      case 4 -> {
        long n = in.length();
        for (long i = 0; i < n; i++) {
          h.hashField(in.string(), in.string(), -1);
        }
      }
      case 9 -> zipmap(in.string(), h);
      case 10 -> {
        Packed p = Packed.ziplist(in.string());
        while (p.next()) {
          h.listElement(p.bytes());
        }
      }
      case 11 -> intset(in.string(), h);
      case 12, 17 -> {
        Packed p = type == 12 ? Packed.ziplist(in.string()) : Packed.listpack(in.string());
        while (p.next()) {
          byte[] member = p.bytes();
          h.zsetMember(member, p.nextScore());
        }
      }
      case 13, 16 -> {
        Packed p = type == 13 ? Packed.ziplist(in.string()) : Packed.listpack(in.string());
        while (p.next()) {
          byte[] field = p.bytes();
          p.expect();
          h.hashField(field, p.bytes(), -1);
        }
      }
      case 14 -> {
        long nodes = in.length();
        for (long i = 0; i < nodes; i++) {
          Packed p = Packed.ziplist(in.string());
          while (p.next()) {
            h.listElement(p.bytes());
          }
        }
      }
      case 18 -> {
        long nodes = in.length();
        for (long i = 0; i < nodes; i++) {
          long container = in.length();
          byte[] node = in.string();
          if (container == 1) {
            h.listElement(node); // a plain node: one big element
          } else if (container == 2) {
            Packed p = Packed.listpack(node);
            while (p.next()) {
              h.listElement(p.bytes());
            }
          } else {
            throw new DecodeException("corrupt quicklist: container type " + container);
          }
        }
      }
      case 20 -> {
        Packed p = Packed.listpack(in.string());
        while (p.next()) {
          h.setMember(p.bytes());
        }
      }
      case 22, 24 -> {
        // Hash with field TTLs, hashtable encoding. GA (24) stores each TTL relative to a
        // minimum written first (ttl - min + 1, 0 for none); the 7.4 release candidates (22)
        // stored it absolute.
        long min = type == 24 ? in.le(8) : 0;
        long n = in.length();
        for (long i = 0; i < n; i++) {
          long ttl = in.length();
          byte[] field = in.string();
          byte[] value = in.string();
          long at = ttl == 0 ? -1 : (type == 24 ? ttl + min - 1 : ttl);
          h.hashField(field, value, at);
        }
      }
      case VALKEY_HASH_2 -> {
        // Valkey 9: field, value, then the absolute expiry in ms (8 bytes, -1 for none).
        long n = in.length();
        for (long i = 0; i < n; i++) {
          byte[] field = in.string();
          byte[] value = in.string();
          long at = in.le(8);
          h.hashField(field, value, at < 0 ? -1 : at);
        }
      }
      case 23, 25 -> {
        // Listpack of field, value, absolute TTL (0 for none); GA (25) has a minimum TTL first.
        if (type == 25) {
          in.le(8);
        }
        Packed p = Packed.listpack(in.string());
        while (p.next()) {
          byte[] field = p.bytes();
          p.expect();
          byte[] value = p.bytes();
          p.expect();
          long ttl = p.longValue();
          h.hashField(field, value, ttl == 0 ? -1 : ttl);
        }
      }
      case 15, 19, 21, STREAM_LISTPACKS_4 -> h.stream(stream(type, in));
      case 6, 7 -> throw new DecodeException("a module value cannot be rewritten as commands");
      default -> throw new DecodeException("unknown RDB value type " + type);
    }
  }

  private static void zipmap(byte[] zm, Handler h) throws DecodeException {
    Reader r = new ArrayReader(zm, 1, zm.length); // first byte: entry count hint
    while (true) {
      int b = r.u8();
      if (b == 0xff) {
        return;
      }
      byte[] field = r.bytes(zipmapLength(r, b));
      int vlen = zipmapLength(r, r.u8());
      int free = r.u8();
      byte[] value = r.bytes(vlen);
      r.bytes(free);
      h.hashField(field, value, -1);
    }
  }

  private static int zipmapLength(Reader r, int first) {
    return first < 254 ? first : (int) r.le(4);
  }

  private static void intset(byte[] is, Handler h) throws DecodeException {
    Reader r = new ArrayReader(is, 0, is.length);
    int width = (int) r.le(4);
    long n = r.le(4);
    if (width != 2 && width != 4 && width != 8) {
      throw new DecodeException("corrupt intset: element width " + width);
    }
    for (long i = 0; i < n; i++) {
      h.setMember(ascii(signExtend(r.le(width), width * 8)));
    }
  }

  private static StreamValue stream(int type, Reader in) throws DecodeException {
    List<StreamEntry> entries = new ArrayList<>();
    long nodes = in.length();
    for (long i = 0; i < nodes; i++) {
      byte[] nodeKey = in.string();
      if (nodeKey.length != 16) {
        throw new DecodeException("corrupt stream: node key of " + nodeKey.length + " bytes");
      }
      Reader k = new ArrayReader(nodeKey, 0, 16);
      StreamId master = new StreamId(k.be(8), k.be(8));
      streamNode(master, Packed.listpack(in.string()), entries);
    }
    in.length(); // length: the number of live entries, which we count ourselves
    StreamId lastId = new StreamId(in.length(), in.length());
    StreamId maxDeleted = StreamId.ZERO;
    long entriesAdded = -1;
    if (type >= 19) {
      in.length(); // first entry id, recomputed by the destination
      in.length();
      maxDeleted = new StreamId(in.length(), in.length());
      entriesAdded = in.length();
    }
    List<Group> groups = new ArrayList<>();
    long ngroups = in.length();
    for (long g = 0; g < ngroups; g++) {
      byte[] name = in.string();
      StreamId lastDelivered = new StreamId(in.length(), in.length());
      long entriesRead = type >= 19 ? in.length() : -1;
      long npel = in.length();
      List<StreamId> pelIds = new ArrayList<>();
      List<long[]> pelMeta = new ArrayList<>();
      for (long i = 0; i < npel; i++) {
        Reader raw = new ArrayReader(in.bytes(16), 0, 16);
        pelIds.add(new StreamId(raw.be(8), raw.be(8)));
        long deliveryTime = in.le(8);
        long deliveryCount = in.length();
        pelMeta.add(new long[] {deliveryTime, deliveryCount});
      }
      byte[][] owners = new byte[pelIds.size()][];
      List<byte[]> consumers = new ArrayList<>();
      long nconsumers = in.length();
      for (long c = 0; c < nconsumers; c++) {
        byte[] consumer = in.string();
        in.le(8); // seen time
        if (type >= 21) {
          in.le(8); // active time
        }
        consumers.add(consumer);
        long owned = in.length();
        for (long i = 0; i < owned; i++) {
          Reader raw = new ArrayReader(in.bytes(16), 0, 16);
          StreamId id = new StreamId(raw.be(8), raw.be(8));
          int at = pelIds.indexOf(id);
          if (at < 0) {
            throw new DecodeException("corrupt stream: consumer owns " + id + ", not pending");
          }
          owners[at] = consumer;
        }
      }
      List<PendingEntry> pending = new ArrayList<>();
      for (int i = 0; i < pelIds.size(); i++) {
        if (owners[i] == null) {
          throw new DecodeException("corrupt stream: pending " + pelIds.get(i) + " has no owner");
        }
        pending.add(
            new PendingEntry(pelIds.get(i), owners[i], pelMeta.get(i)[0], pelMeta.get(i)[1]));
      }
      groups.add(new Group(name, lastDelivered, entriesRead, pending, consumers));
    }
    StreamIdmp idmp = type == STREAM_LISTPACKS_4 ? idmp(in) : null;
    return new StreamValue(entries, lastId, maxDeleted, entriesAdded, groups, idmp);
  }

  /** Type 26's tail, laid out as {@link StreamListPacks4} documents it. */
  private static StreamIdmp idmp(Reader in) throws DecodeException {
    long duration = in.length();
    long maxEntries = in.length();
    long nproducers = in.length();
    List<StreamIdmp.Producer> producers = new ArrayList<>();
    for (long p = 0; p < nproducers; p++) {
      byte[] pid = in.string();
      long nentries = in.length();
      List<StreamIdmp.Entry> ids = new ArrayList<>();
      for (long e = 0; e < nentries; e++) {
        byte[] iid = in.string();
        ids.add(new StreamIdmp.Entry(iid, new StreamId(in.length(), in.length())));
      }
      producers.add(new StreamIdmp.Producer(pid, ids));
    }
    return new StreamIdmp(duration, maxEntries, producers, in.length(), in.length());
  }

  /** Whether {@code payload} is RDB 13's stream with idempotent-producer state (type 26). */
  public static boolean hasIdmp(byte[] payload) {
    return payload.length > FOOTER && (payload[0] & 0xff) == STREAM_LISTPACKS_4;
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
    ArrayReader in = new ArrayReader(payload, 1, payload.length - FOOTER);
    try {
      return stream(STREAM_LISTPACKS_4, in).idmp();
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
    ArrayReader in = new ArrayReader(payload, 1, payload.length - FOOTER);
    int end;
    StreamIdmp idmp;
    try {
      stream(21, in);
      end = in.position();
      // Type 26 is type 21 followed by the IDMP state (as stream() reads it for 26).
      idmp = idmp(in);
    } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new DecodeException("corrupt DUMP payload of RDB type 26 (truncated)");
    }
    byte[] out = Arrays.copyOf(payload, end + FOOTER);
    out[0] = 21;
    Crc64.seal(out, end, rdbVersion);
    return new SplitStream(out, idmp);
  }

  /**
   * One radix-tree node of a stream: a master entry (counts and master fields), then entries whose
   * ids are deltas from the node key. An entry flagged SAMEFIELDS has the master fields and only
   * its values; any other entry lists its own fields.
   */
  private static void streamNode(StreamId master, Packed p, List<StreamEntry> out)
      throws DecodeException {
    long count = p.nextLong() + p.nextLong(); // valid + deleted
    int masterFields = (int) p.nextLong();
    byte[][] fields = new byte[masterFields][];
    for (int i = 0; i < masterFields; i++) {
      p.expect();
      fields[i] = p.bytes();
    }
    p.nextLong(); // the master entry's terminator
    for (long e = 0; e < count; e++) {
      int flags = (int) p.nextLong();
      StreamId id = new StreamId(master.ms() + p.nextLong(), master.seq() + p.nextLong());
      boolean same = (flags & 2) != 0;
      int n = same ? masterFields : (int) p.nextLong();
      List<byte[]> fv = new ArrayList<>(n * 2);
      for (int i = 0; i < n; i++) {
        if (same) {
          fv.add(fields[i]);
        } else {
          p.expect();
          fv.add(p.bytes());
        }
        p.expect();
        fv.add(p.bytes());
      }
      p.nextLong(); // lp-count, for walking backwards
      if ((flags & 1) == 0) {
        out.add(new StreamEntry(id, fv));
      }
    }
  }

  static byte[] ascii(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  static long signExtend(long v, int bits) {
    return bits >= 64 ? v : (v << (64 - bits)) >> (64 - bits);
  }

  /** Parses a score as Redis writes it in text: a decimal, inf, -inf (or +inf, nan). */
  static double score(byte[] text) throws DecodeException {
    String s = new String(text, StandardCharsets.US_ASCII);
    switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "inf", "+inf", "infinity", "+infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan", "-nan" -> {
        return Double.NaN;
      }
      default -> {
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw new DecodeException("corrupt zset score '" + s + "'");
        }
      }
    }
  }

  /** Reads RDB primitives, from memory or from a stream. */
  private abstract static class Reader {
    /** The next byte, unsigned. */
    abstract int u8();

    /** The next byte, unsigned, without consuming it. */
    abstract int peek();

    /** The next {@code n} bytes. */
    abstract byte[] bytes(int n);

    /** Bytes left before the payload's footer. */
    abstract long remaining();

    long le(int n) {
      long v = 0;
      for (int i = 0; i < n; i++) {
        v |= (long) u8() << (8 * i);
      }
      return v;
    }

    long be(int n) {
      long v = 0;
      for (int i = 0; i < n; i++) {
        v = (v << 8) | u8();
      }
      return v;
    }

    /** An RDB length; encoded (string) forms are not lengths here. */
    long length() throws DecodeException {
      int first = u8();
      switch (first >> 6) {
        case 0 -> {
          return first & 0x3f;
        }
        case 1 -> {
          return ((first & 0x3f) << 8) | u8();
        }
        case 2 -> {
          if (first == 0x80) {
            return be(4);
          }
          if (first == 0x81) {
            return be(8);
          }
          throw new DecodeException("corrupt length byte " + first);
        }
        default -> throw new DecodeException("an encoded string where a length belongs");
      }
    }

    /** An RDB string: plain, int-encoded (returned as decimal text) or LZF-compressed. */
    byte[] string() throws DecodeException {
      int first = peek();
      if (first >> 6 != 3) {
        long n = length();
        if (n > Integer.MAX_VALUE) {
          throw new DecodeException("a string of " + n + " bytes");
        }
        return bytes((int) n);
      }
      u8();
      return switch (first & 0x3f) {
        case 0 -> ascii((byte) u8());
        case 1 -> ascii((short) le(2));
        case 2 -> ascii((int) le(4));
        case 3 -> {
          long clen = length();
          long ulen = length();
          if (clen > Integer.MAX_VALUE || ulen > Integer.MAX_VALUE) {
            throw new DecodeException("an LZF string of " + ulen + " bytes");
          }
          yield Lzf.decompress(bytes((int) clen), (int) ulen);
        }
        default -> throw new DecodeException("unknown string encoding " + (first & 0x3f));
      };
    }

    /** A score of the old zset type: length byte, then text; 253 nan, 254 inf, 255 -inf. */
    double textDouble() throws DecodeException {
      int n = u8();
      return switch (n) {
        case 253 -> Double.NaN;
        case 254 -> Double.POSITIVE_INFINITY;
        case 255 -> Double.NEGATIVE_INFINITY;
        default -> score(bytes(n));
      };
    }
  }

  /** A byte range in memory. */
  private static final class ArrayReader extends Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    ArrayReader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    /** The index of the next byte to read. */
    int position() {
      return pos;
    }

    @Override
    int u8() {
      if (pos >= end) {
        throw new ArrayIndexOutOfBoundsException(pos);
      }
      return b[pos++] & 0xff;
    }

    @Override
    int peek() {
      if (pos >= end) {
        throw new ArrayIndexOutOfBoundsException(pos);
      }
      return b[pos] & 0xff;
    }

    @Override
    byte[] bytes(int n) {
      if (n < 0 || pos + n > end) {
        throw new ArrayIndexOutOfBoundsException(pos + n);
      }
      byte[] out = Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
    }

    @Override
    long remaining() {
      return end - pos;
    }
  }

  /** The body of a payload read from a stream; a short read is a truncated payload. */
  private static final class StreamReader extends Reader {
    private final InputStream in;
    private long left;
    private int peeked = -1;

    StreamReader(InputStream in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    int u8() {
      if (peeked >= 0) {
        int b = peeked;
        peeked = -1;
        return b;
      }
      if (left <= 0) {
        throw new ArrayIndexOutOfBoundsException("past the payload's end");
      }
      try {
        int b = in.read();
        if (b < 0) {
          throw new ArrayIndexOutOfBoundsException("the payload file ends early");
        }
        left--;
        return b;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    int peek() {
      if (peeked < 0) {
        peeked = u8();
      }
      return peeked;
    }

    @Override
    byte[] bytes(int n) {
      if (n < 0 || n > left + (peeked >= 0 ? 1 : 0)) {
        throw new ArrayIndexOutOfBoundsException("past the payload's end");
      }
      byte[] out = new byte[n];
      int off = 0;
      if (peeked >= 0 && n > 0) {
        out[off++] = (byte) peeked;
        peeked = -1;
      }
      try {
        int got = in.readNBytes(out, off, n - off);
        if (got != n - off) {
          throw new ArrayIndexOutOfBoundsException("the payload file ends early");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      left -= n - off;
      return out;
    }

    @Override
    long remaining() {
      return left + (peeked >= 0 ? 1 : 0);
    }
  }

  /** LZF decompression (lzf_d.c). */
  private static final class Lzf {
    private Lzf() {}

    static byte[] decompress(byte[] in, int outLen) throws DecodeException {
      byte[] out = new byte[outLen];
      int ip = 0;
      int op = 0;
      try {
        while (ip < in.length) {
          int ctrl = in[ip++] & 0xff;
          if (ctrl < 32) {
            int len = ctrl + 1;
            System.arraycopy(in, ip, out, op, len);
            ip += len;
            op += len;
          } else {
            int len = ctrl >> 5;
            int ref = op - ((ctrl & 0x1f) << 8) - 1;
            if (len == 7) {
              len += in[ip++] & 0xff;
            }
            ref -= in[ip++] & 0xff;
            len += 2;
            if (ref < 0) {
              throw new DecodeException("corrupt LZF string: back reference before the start");
            }
            for (int i = 0; i < len; i++) {
              out[op++] = out[ref++];
            }
          }
        }
      } catch (IndexOutOfBoundsException e) {
        throw new DecodeException("corrupt LZF string");
      }
      if (op != outLen) {
        throw new DecodeException("corrupt LZF string: " + op + " bytes instead of " + outLen);
      }
      return out;
    }
  }

  /**
   * Walks a ziplist or a listpack. After {@link #next} (or {@link #expect}) the current entry is
   * either an integer ({@link #longValue}) or a string ({@link #bytes} gives either as bytes).
   */
  private static final class Packed {
    private final byte[] b;
    private final boolean listpack;
    private int pos;
    private boolean isInt;
    private long intValue;
    private int strStart;
    private int strLen;

    private Packed(byte[] b, boolean listpack, int start) {
      this.b = b;
      this.listpack = listpack;
      this.pos = start;
    }

    static Packed ziplist(byte[] b) {
      return new Packed(b, false, 10); // zlbytes, zltail, zllen
    }

    static Packed listpack(byte[] b) {
      return new Packed(b, true, 6); // total bytes, element count
    }

    /** Moves to the next entry; false at the end marker. */
    boolean next() throws DecodeException {
      if ((b[pos] & 0xff) == 0xff) {
        return false;
      }
      if (listpack) {
        listpackEntry();
      } else {
        ziplistEntry();
      }
      return true;
    }

    void expect() throws DecodeException {
      if (!next()) {
        throw new DecodeException(
            "corrupt " + (listpack ? "listpack" : "ziplist") + ": ends early");
      }
    }

    long nextLong() throws DecodeException {
      expect();
      return longValue();
    }

    double nextScore() throws DecodeException {
      expect();
      return isInt ? (double) intValue : score(bytes());
    }

    long longValue() throws DecodeException {
      if (isInt) {
        return intValue;
      }
      try {
        return Long.parseLong(new String(b, strStart, strLen, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new DecodeException("corrupt stream or hash: a number expected");
      }
    }

    byte[] bytes() {
      return isInt ? ascii(intValue) : Arrays.copyOfRange(b, strStart, strStart + strLen);
    }

    private void string(int start, int len) {
      isInt = false;
      strStart = start;
      strLen = len;
      if (start + len > b.length) {
        throw new ArrayIndexOutOfBoundsException(start + len);
      }
    }

    private void integer(long v) {
      isInt = true;
      intValue = v;
    }

    private long le(int at, int n) {
      long v = 0;
      for (int i = 0; i < n; i++) {
        v |= (long) (b[at + i] & 0xff) << (8 * i);
      }
      return v;
    }

    private void listpackEntry() {
      int start = pos;
      int e = b[pos] & 0xff;
      int size; // encoding + data
      if ((e & 0x80) == 0) {
        integer(e & 0x7f);
        size = 1;
      } else if ((e & 0xc0) == 0x80) {
        string(pos + 1, e & 0x3f);
        size = 1 + (e & 0x3f);
      } else if ((e & 0xe0) == 0xc0) {
        integer(signExtend(((e & 0x1f) << 8) | (b[pos + 1] & 0xff), 13));
        size = 2;
      } else if ((e & 0xf0) == 0xe0) {
        int len = ((e & 0x0f) << 8) | (b[pos + 1] & 0xff);
        string(pos + 2, len);
        size = 2 + len;
      } else {
        switch (e) {
          case 0xf0 -> {
            int len = (int) le(pos + 1, 4);
            string(pos + 5, len);
            size = 5 + len;
          }
          case 0xf1 -> {
            integer(signExtend(le(pos + 1, 2), 16));
            size = 3;
          }
          case 0xf2 -> {
            integer(signExtend(le(pos + 1, 3), 24));
            size = 4;
          }
          case 0xf3 -> {
            integer(signExtend(le(pos + 1, 4), 32));
            size = 5;
          }
          case 0xf4 -> {
            integer(le(pos + 1, 8));
            size = 9;
          }
          default -> throw new ArrayIndexOutOfBoundsException("listpack encoding " + e);
        }
      }
      int backlen =
          size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
      pos = start + size + backlen;
    }

    private void ziplistEntry() {
      int p = pos;
      p += (b[p] & 0xff) < 254 ? 1 : 5; // previous entry length
      int e = b[p] & 0xff;
      switch (e >> 6) {
        case 0 -> {
          string(p + 1, e & 0x3f);
          pos = p + 1 + (e & 0x3f);
        }
        case 1 -> {
          int len = ((e & 0x3f) << 8) | (b[p + 1] & 0xff);
          string(p + 2, len);
          pos = p + 2 + len;
        }
        case 2 -> {
          int len =
              ((b[p + 1] & 0xff) << 24)
                  | ((b[p + 2] & 0xff) << 16)
                  | ((b[p + 3] & 0xff) << 8)
                  | (b[p + 4] & 0xff);
          string(p + 5, len);
          pos = p + 5 + len;
        }
        default -> {
          switch (e) {
            case 0xc0 -> {
              integer(signExtend(le(p + 1, 2), 16));
              pos = p + 3;
            }
            case 0xd0 -> {
              integer(signExtend(le(p + 1, 4), 32));
              pos = p + 5;
            }
            case 0xe0 -> {
              integer(le(p + 1, 8));
              pos = p + 9;
            }
            case 0xf0 -> {
              integer(signExtend(le(p + 1, 3), 24));
              pos = p + 4;
            }
            case 0xfe -> {
              integer((byte) b[p + 1]);
              pos = p + 2;
            }
            default -> {
              if (e >= 0xf1 && e <= 0xfd) {
                integer((e & 0x0f) - 1);
                pos = p + 1;
              } else {
                throw new ArrayIndexOutOfBoundsException("ziplist encoding " + e);
              }
            }
          }
        }
      }
    }
  }
}
