package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.rdb.PayloadDecoder;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Turns a key's DUMP payload (in memory, or in a file for a big key) into the plain commands that
 * build the same value under a temporary key, for a destination too old to RESTORE the payload: SET
 * (and APPEND), RPUSH, SADD, ZADD, HSET (+ HPEXPIREAT per field expiry), XADD + XGROUP + XCLAIM +
 * XSETID for streams, then PEXPIREAT. Collections go in chunks of {@link
 * MigrationConfig.Defaults#REWRITE_CHUNK_ELEMENTS} elements (or {@link
 * MigrationConfig.Defaults#REWRITE_CHUNK_BYTES}), so no command is huge. The caller renames the
 * temporary key into place once every command succeeded.
 */
final class RewriteCommands {
  /** What a command's successful reply looks like. */
  enum Expect {
    /** Any reply that is not an error. */
    ANY,
    /** +OK. */
    OK,
    /** The integer 1. */
    ONE,
    /** A non-empty array (XCLAIM JUSTID: the claimed id). */
    NON_EMPTY
  }

  /** One command and the reply it must get. */
  record Command(byte[][] argv, Expect expect) {}

  private RewriteCommands() {}

  /**
   * The commands that build {@code event}'s value under {@code tmp} in a destination like {@code
   * server}, starting with a DEL of {@code tmp} and ending with its PEXPIREAT, if any.
   *
   * @param nowMs the current time: hash fields whose TTL has passed are left out
   * @return the commands, or null for a hash whose every field has expired (nothing to write)
   * @throws DecodeException when the payload cannot be read, or holds something the destination
   *     cannot represent (the message says what, and that the key was not written)
   */
  static List<Command> of(KeyEvent event, byte[] tmp, ServerInfo server, long nowMs)
      throws DecodeException, IOException {
    List<Command> commands = new ArrayList<>();
    return write(event, tmp, server, nowMs, commands::add) == Outcome.ALL_EXPIRED ? null : commands;
  }

  /** Receives the commands of a rewritten key as they are made. */
  @FunctionalInterface
  interface Sink {
    void accept(Command command);
  }

  /** How a rewrite ended. */
  enum Outcome {
    /** Every command went to the sink. */
    WRITTEN,
    /** A hash whose every field had expired: only the DEL went to the sink. */
    ALL_EXPIRED,
    /**
     * Every command went to the sink; the stream's non-empty IDMP state (Redis 8.6), which no
     * command can carry, was left out.
     */
    WRITTEN_WITHOUT_IDMP
  }

  /**
   * Hands the commands of {@link #of} to {@code out} as the payload is decoded, in memory or, for a
   * big key, streamed from its file: at most one chunk of elements is held at a time. When the
   * payload turns out to hold something the destination cannot represent, some commands may already
   * be in {@code out}; the caller deletes the temporary key.
   *
   * @throws IOException when the payload file cannot be read
   */
  static Outcome write(KeyEvent event, byte[] tmp, ServerInfo server, long nowMs, Sink out)
      throws DecodeException, IOException {
    Builder b = new Builder(tmp, server, nowMs, out);
    b.add(Expect.ANY, ascii("DEL"), tmp);
    if (event.file() != null) {
      try (InputStream in = new BufferedInputStream(event.file().open(), 1 << 16)) {
        PayloadDecoder.decode(in, event.file().length(), b);
      }
    } else {
      PayloadDecoder.decode(event.payload(), b);
    }
    b.finish();
    if (b.count == 1 && b.expiredFields) {
      return Outcome.ALL_EXPIRED;
    }
    if (b.count == 1) {
      throw new DecodeException("the value is empty");
    }
    if (event.hasExpiry()) {
      b.add(Expect.ONE, ascii("PEXPIREAT"), tmp, ascii(event.expireAtMs()));
    }
    return b.idmpLeftOut ? Outcome.WRITTEN_WITHOUT_IDMP : Outcome.WRITTEN;
  }

  /** Collects the elements of one value into chunked commands. */
  private static final class Builder implements PayloadDecoder.Handler {
    private final byte[] tmp;
    private final ServerInfo server;
    private final long nowMs;
    private final int maxElements = MigrationConfig.Defaults.REWRITE_CHUNK_ELEMENTS;
    private final long maxBytes = MigrationConfig.Defaults.REWRITE_CHUNK_BYTES;
    private final Sink out;
    int count;
    private byte[] chunkCommand;
    private final List<byte[]> chunk = new ArrayList<>();
    private int chunkElements;
    private long chunkBytes;
    private final TreeMap<Long, List<byte[]>> fieldsByExpiry = new TreeMap<>();
    boolean expiredFields;
    boolean idmpLeftOut;

    Builder(byte[] tmp, ServerInfo server, long nowMs, Sink out) {
      this.out = out;
      this.tmp = tmp;
      this.server = server;
      this.nowMs = nowMs;
    }

    void add(Expect expect, byte[]... argv) {
      out.accept(new Command(argv, expect));
      count++;
    }

    /** Adds one element (of one or more arguments) to the chunk of {@code command}. */
    private void element(byte[] command, byte[]... args) {
      if (chunkCommand != null && chunkCommand != command) {
        flushChunk();
      }
      chunkCommand = command;
      for (byte[] a : args) {
        chunk.add(a);
        chunkBytes += a.length;
      }
      chunkElements++;
      if (chunkElements >= maxElements || chunkBytes >= maxBytes) {
        flushChunk();
      }
    }

    private void flushChunk() {
      if (chunkElements == 0) {
        return;
      }
      byte[][] argv = new byte[chunk.size() + 2][];
      argv[0] = chunkCommand;
      argv[1] = tmp;
      for (int i = 0; i < chunk.size(); i++) {
        argv[i + 2] = chunk.get(i);
      }
      add(Expect.ANY, argv);
      chunk.clear();
      chunkElements = 0;
      chunkBytes = 0;
      // The field TTLs of the fields just written, so that they are never all held at once.
      expireFields();
    }

    void finish() {
      flushChunk();
    }

    private void expireFields() {
      for (var e : fieldsByExpiry.entrySet()) {
        List<byte[]> fields = e.getValue();
        for (int from = 0; from < fields.size(); from += maxElements) {
          List<byte[]> part = fields.subList(from, Math.min(fields.size(), from + maxElements));
          byte[][] argv = new byte[5 + part.size()][];
          argv[0] = ascii("HPEXPIREAT");
          argv[1] = tmp;
          argv[2] = ascii(e.getKey());
          argv[3] = ascii("FIELDS");
          argv[4] = ascii(part.size());
          for (int i = 0; i < part.size(); i++) {
            argv[5 + i] = part.get(i);
          }
          add(Expect.ANY, argv);
        }
      }
      fieldsByExpiry.clear();
    }

    @Override
    public void string(byte[] value) {
      int chunkSize = (int) Math.min(maxBytes, Integer.MAX_VALUE);
      if (value.length <= chunkSize) {
        add(Expect.OK, ascii("SET"), tmp, value);
        return;
      }
      add(Expect.OK, ascii("SET"), tmp, Arrays.copyOfRange(value, 0, chunkSize));
      for (int from = chunkSize; from < value.length; from += chunkSize) {
        byte[] part = Arrays.copyOfRange(value, from, Math.min(value.length, from + chunkSize));
        add(Expect.ANY, ascii("APPEND"), tmp, part);
      }
    }

    private static final byte[] RPUSH = ascii("RPUSH");
    private static final byte[] SADD = ascii("SADD");
    private static final byte[] ZADD = ascii("ZADD");
    private static final byte[] HSET = ascii("HSET");

    @Override
    public void listElement(byte[] element) {
      element(RPUSH, element);
    }

    @Override
    public void setMember(byte[] member) {
      element(SADD, member);
    }

    @Override
    public void zsetMember(byte[] member, double score) throws DecodeException {
      if (Double.isNaN(score)) {
        throw new DecodeException("a sorted set member has the score NaN");
      }
      element(ZADD, score(score), member);
    }

    @Override
    public void hashField(byte[] field, byte[] value, long expireAtMs) throws DecodeException {
      if (expireAtMs >= 0) {
        if (expireAtMs <= nowMs) {
          expiredFields = true;
          return; // the field has expired; the source would not return it either
        }
        if (!server.supportsHashFieldTtl()) {
          throw new DecodeException(
              "hash field TTLs (Redis 7.4+) cannot be kept by the destination ("
                  + server
                  + "); the key was not written");
        }
        fieldsByExpiry.computeIfAbsent(expireAtMs, k -> new ArrayList<>()).add(field);
      }
      element(HSET, field, value);
    }

    @Override
    public void stream(PayloadDecoder.StreamValue s) throws DecodeException {
      idmpLeftOut =
          StreamRewrite.write(s, tmp, server, maxElements, c -> add(c.expect(), c.argv()));
    }
  }

  /**
   * A score as text that parses back to exactly the same double: 17 significant digits always
   * round-trip, and Redis reads inf / -inf.
   */
  static byte[] score(double d) {
    if (d == Double.POSITIVE_INFINITY) {
      return ascii("inf");
    }
    if (d == Double.NEGATIVE_INFINITY) {
      return ascii("-inf");
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return ascii((long) d == 0 && 1 / d < 0 ? "-0" : Long.toString((long) d));
    }
    return ascii(String.format(Locale.ROOT, "%.17g", d));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] ascii(long v) {
    return ascii(Long.toString(v));
  }
}
