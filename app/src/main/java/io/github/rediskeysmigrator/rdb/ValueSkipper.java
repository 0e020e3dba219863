package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.io.RedisInputStream;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Passes over the parts of a value in an RDB file's stream (and reads the few that must be read),
 * with {@link RdbReader}'s primitives, while {@link PayloadValueVisitor} captures the bytes it
 * passes (the stream's raw-byte listeners see every byte read or skipped). Lengths are taken whole
 * and checked: a length or element count beyond what the file has left is corrupt, found before the
 * capture buffer grows towards it (Redis Replicator's own skipping parser cast a string's length to
 * int, so 2^40 bytes read as 0 and the rest of the value as the next key).
 */
final class ValueSkipper {
  private final RedisInputStream in;
  private final RdbInput input;
  private final RdbReader r;

  ValueSkipper(RedisInputStream in) {
    this.in = in;
    this.input = null;
    this.r = RdbReader.of(in, Long.MAX_VALUE);
  }

  /** A skipper over our own reader's input (see {@link RdbKeyReader}), reused for every value. */
  ValueSkipper(RdbInput input) {
    this.in = null;
    this.input = input;
    this.r = input;
  }

  private void check(long length, String what) throws IOException {
    if (input != null) {
      input.check(length, what);
    } else if (in instanceof BoundedRdbInput bounded) {
      bounded.check(length, what);
    } else if (length < 0) {
      throw new BoundedRdbInput.BadLengthException(
          "a length field says " + Long.toUnsignedString(length) + " bytes (" + what + ")");
    }
  }

  /**
   * What a failed read means for the file: its own I/O error, the end of the stream (which
   * Replicator takes as a file cut short, as it does for its own reads), or a corrupt structure.
   */
  private static IOException failure(Exception e) {
    if (e instanceof UncheckedIOException u) {
      return u.getCause();
    }
    if (e instanceof ArrayIndexOutOfBoundsException) {
      return new EOFException("end of file or end of stream.");
    }
    return new IOException(e.getMessage(), e);
  }

  /** An element count; every element takes at least one byte of the file. */
  long count(String what) throws IOException {
    long n = length();
    check(n, what);
    return n;
  }

  /** An RDB length (a field TTL, a quicklist container, a stream id part). */
  long length() throws IOException {
    try {
      return r.length();
    } catch (DecodeException | UncheckedIOException | ArrayIndexOutOfBoundsException e) {
      throw failure(e);
    }
  }

  /** A string of any encoding; an LZF string keeps its compressed bytes. */
  void string() throws IOException {
    try {
      int first = r.peek();
      if (!RdbReader.isEncoded(first)) {
        long n = r.length();
        check(n, "a string");
        r.skip(n);
      } else if (RdbReader.isLzf(first)) {
        r.u8();
        long compressed = r.length();
        r.length(); // decompressed length
        check(compressed, "a compressed string");
        r.skip(compressed);
      } else {
        r.u8();
        r.skip(RdbReader.intEncodingSize(first));
      }
    } catch (DecodeException | UncheckedIOException | ArrayIndexOutOfBoundsException e) {
      throw failure(e);
    }
  }

  /**
   * The next string's bytes (an int-encoded one as its decimal text, an LZF one decompressed), for
   * the few values that must be read rather than passed over.
   */
  byte[] stringBytes() throws IOException {
    return read(r::string);
  }

  /** A millisecond time: 8 bytes, little endian. */
  long millis() throws IOException {
    return read(() -> r.le(8));
  }

  /** {@code n} bytes of fixed-size fields (raw stream ids, millisecond times, binary doubles). */
  void raw(int n) throws IOException {
    try {
      r.skip(n);
    } catch (UncheckedIOException | ArrayIndexOutOfBoundsException e) {
      throw failure(e);
    }
  }

  /**
   * A score of the old zset type: length byte, then text; 253 to 255 stand for nan and infinity.
   */
  void textDouble() throws IOException {
    step(
        () -> {
          int n = r.u8();
          if (n < 253) {
            r.skip(n);
          }
        });
  }

  /** A read with {@link RdbReader}'s primitives. */
  @FunctionalInterface
  private interface Read<T> {
    T run() throws DecodeException, IOException;
  }

  /** A pass over part of a value with {@link RdbReader}'s primitives. */
  @FunctionalInterface
  private interface Step {
    void run() throws DecodeException, IOException;
  }

  /** Runs {@code read}; what fails becomes the {@link #failure} it means for the file. */
  private static <T> T read(Read<T> read) throws IOException {
    try {
      return read.run();
    } catch (DecodeException | UncheckedIOException | ArrayIndexOutOfBoundsException e) {
      throw failure(e);
    }
  }

  private static void step(Step step) throws IOException {
    read(
        () -> {
          step.run();
          return null;
        });
  }
}
