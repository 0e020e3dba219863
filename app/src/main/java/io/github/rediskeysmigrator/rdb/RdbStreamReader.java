package io.github.rediskeysmigrator.rdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The {@link RdbReader} of the next bytes of a stream: a payload file, or an RDB file through Redis
 * Replicator's stream. A short read is a truncated payload; I/O errors arrive unchecked.
 */
final class RdbStreamReader extends RdbReader {
  private final InputStream in;
  private long left;
  private int peeked = -1;

  RdbStreamReader(InputStream in, long length) {
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
    if (n < 0 || n > remaining()) {
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
  void skip(long n) {
    if (n < 0 || n > remaining()) {
      throw new ArrayIndexOutOfBoundsException("past the payload's end");
    }
    long rest = n;
    if (peeked >= 0 && rest > 0) {
      peeked = -1;
      rest--;
    }
    try {
      in.skipNBytes(rest);
    } catch (java.io.EOFException e) {
      throw new ArrayIndexOutOfBoundsException("the payload file ends early");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    left -= rest;
  }

  @Override
  long remaining() {
    return left + (peeked >= 0 ? 1 : 0);
  }
}
