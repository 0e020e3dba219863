package io.github.rediskeysmigrator.rdb;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@link RdbReader} of the bytes ahead in an RDB file's stream, looked at (within the stream's
 * buffer) and left for its parser; I/O errors arrive unchecked.
 */
final class RdbLookAhead extends RdbReader {
  private final BoundedRdbInput in;
  private int offset;

  RdbLookAhead(BoundedRdbInput in) {
    this.in = in;
  }

  @Override
  int u8() {
    int b = peek();
    offset++;
    return b;
  }

  @Override
  int peek() {
    try {
      return in.peek(offset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  byte[] bytes(int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) u8();
    }
    return out;
  }

  @Override
  void skip(long n) {
    if (n < 0 || n > remaining()) {
      throw new ArrayIndexOutOfBoundsException("past the end of the file");
    }
    offset += (int) n;
  }

  @Override
  long remaining() {
    return in.remaining() - offset;
  }
}
