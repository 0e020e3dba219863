package io.github.rediskeysmigrator.rdb;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The bytes of one RDB file (decompressed) for {@link RdbKeyReader}, through one buffer: bounded
 * like {@link BoundedRdbInput} (a length the file cannot hold fails before anything is allocated
 * for it), and able to capture the bytes a value spans into a {@link PayloadCapture} by copying
 * buffer ranges, once per value or per buffer refill. Redis Replicator's stream instead handed
 * every byte read to its listeners as a new one-byte array, and every skip as a copy.
 *
 * <p>The end of the stream is an {@link EOFException} and an I/O error the stream's own, both
 * wrapped in {@link UncheckedIOException} where {@link RdbReader}'s methods cannot throw them.
 */
final class RdbInput extends RdbReader {
  private final InputStream in;
  private final long bound;
  private final byte[] buf;
  private int pos;
  private int limit;

  /** Offset in the RDB data of {@code buf[0]}. */
  private long base;

  /** Where the bytes being captured go, or null. */
  private PayloadCapture capture;

  /** Index in {@code buf} of the first byte not yet handed to {@link #capture}. */
  private int captureFrom;

  /**
   * @param bound the most bytes {@code in} can hold: see {@link RdbFiles#dataBound}
   */
  RdbInput(InputStream in, int bufferSize, long bound) {
    this.in = in;
    this.buf = new byte[bufferSize];
    this.bound = bound;
  }

  /** Bytes of RDB data consumed so far. */
  long position() {
    return base + pos;
  }

  /**
   * Fails when {@code length} bytes of {@code what} cannot follow: negative, or more than the file
   * has left. The same words as {@link BoundedRdbInput#check}.
   */
  void check(long length, String what) throws BoundedRdbInput.BadLengthException {
    BoundedRdbInput.BadLengthException.check(length, what, position(), remaining());
  }

  /** Starts handing the bytes consumed from here on to {@code to}. */
  void startCapture(PayloadCapture to) {
    capture = to;
    captureFrom = pos;
  }

  /** Hands the bytes consumed since {@link #startCapture} over, and stops capturing. */
  void endCapture() {
    PayloadCapture c = capture;
    capture = null;
    if (pos > captureFrom) {
      c.handle(buf, captureFrom, pos - captureFrom);
    }
  }

  private void fill() {
    if (capture != null && limit > captureFrom) {
      capture.handle(buf, captureFrom, limit - captureFrom);
    }
    captureFrom = 0;
    base += limit;
    pos = 0;
    limit = 0;
    try {
      int n;
      do {
        n = in.read(buf, 0, buf.length);
      } while (n == 0);
      if (n < 0) {
        throw new UncheckedIOException(new EOFException("end of file or end of stream."));
      }
      limit = n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  int u8() {
    if (pos == limit) {
      fill();
    }
    return buf[pos++] & 0xff;
  }

  @Override
  int peek() {
    if (pos == limit) {
      fill();
    }
    return buf[pos] & 0xff;
  }

  @Override
  byte[] bytes(int n) {
    try {
      check(n, "a string");
    } catch (BoundedRdbInput.BadLengthException e) {
      throw new UncheckedIOException(e);
    }
    byte[] out = new byte[n];
    int off = 0;
    while (off < n) {
      if (pos == limit) {
        fill();
      }
      int k = Math.min(n - off, limit - pos);
      System.arraycopy(buf, pos, out, off, k);
      pos += k;
      off += k;
    }
    return out;
  }

  @Override
  void skip(long n) {
    if (n < 0) {
      throw new ArrayIndexOutOfBoundsException("a negative length");
    }
    long rest = n;
    while (rest > limit - pos) {
      rest -= limit - pos;
      pos = limit;
      fill();
    }
    pos += (int) rest;
  }

  @Override
  long remaining() {
    return bound == Long.MAX_VALUE ? Long.MAX_VALUE : bound - position();
  }
}
