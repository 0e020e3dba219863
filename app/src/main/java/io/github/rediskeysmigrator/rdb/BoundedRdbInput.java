package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.io.RedisInputStream;
import com.moilioncircle.redis.replicator.util.ByteArray;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Redis Replicator's input stream for one RDB file, which knows how many bytes the file can still
 * hold: a read or skip longer than that fails with {@link BadLengthException} before anything is
 * allocated. Replicator allocates a string's declared length before reading it, so without this a
 * corrupt length of 2 GB took the heap and one of 2^40 asked for 512 arrays of 2 GB.
 *
 * <p>It can also look at bytes ahead without consuming them, so a length can be checked before
 * Replicator reads it ({@link PayloadRdbVisitor}).
 */
public final class BoundedRdbInput extends RedisInputStream {
  private final long bound;

  /**
   * @param bound the most RDB bytes the stream can hold in all (the file's size; for gzip, an upper
   *     bound of its decompressed size), or {@link Long#MAX_VALUE} when unknown
   */
  BoundedRdbInput(InputStream in, int bufferSize, long bound) {
    super(in, bufferSize);
    this.bound = bound;
  }

  /** Bytes of RDB data consumed so far. */
  public long position() {
    return total - (tail - head);
  }

  /** The most bytes that can still follow. */
  public long remaining() {
    return bound == Long.MAX_VALUE ? Long.MAX_VALUE : bound - position();
  }

  /**
   * Fails when {@code length} bytes of {@code what} cannot follow: negative, or more than the file
   * has left.
   */
  public void check(long length, String what) throws BadLengthException {
    BadLengthException.check(length, what, position(), remaining());
  }

  @Override
  public ByteArray readBytes(long len) throws IOException {
    check(len, "a string");
    return super.readBytes(len);
  }

  @Override
  public long skip(long len, boolean notify) throws IOException {
    check(len, "a value");
    return super.skip(len, notify);
  }

  /** The byte {@code offset} bytes ahead of the next one to be read, without consuming it. */
  int peek(int offset) throws IOException {
    while (tail - head <= offset) {
      if (head > 0) {
        System.arraycopy(buf, head, buf, 0, tail - head);
        tail -= head;
        head = 0;
      }
      if (tail == buf.length) {
        throw new IOException("cannot look " + offset + " bytes ahead");
      }
      int n = in.read(buf, tail, buf.length - tail);
      if (n < 0) {
        throw new EOFException("end of file or end of stream.");
      }
      tail += n;
      total += n;
    }
    return buf[head + offset] & 0xff;
  }

  /** A length read from the file that the file cannot hold. */
  public static final class BadLengthException extends IOException {
    private static final long serialVersionUID = 1L;

    BadLengthException(String message) {
      super(message);
    }

    /**
     * Fails when {@code length} bytes of {@code what} cannot follow at byte {@code position} with
     * at most {@code left} bytes left: negative, or more than that.
     */
    static void check(long length, String what, long position, long left)
        throws BadLengthException {
      if (length < 0 || length > left) {
        throw new BadLengthException(
            "a length field at byte "
                + position
                + " says "
                + Long.toUnsignedString(length)
                + " bytes ("
                + what
                + "), but the file has at most "
                + left
                + " bytes left");
      }
    }

    /** A length of {@code n} bytes of {@code what} at byte {@code position}, over 2 GB. */
    static BadLengthException overOnePiece(long position, long n, String what) {
      return new BadLengthException(
          "a length field at byte "
              + position
              + " says "
              + n
              + " bytes ("
              + what
              + "), more than this reader can hold in one piece (2 GB)");
    }

    /**
     * A compressed string at byte {@code position} whose {@code compressed} bytes are said to
     * expand to {@code plain}, more than LZF can.
     */
    static BadLengthException overExpansion(
        long position, long compressed, long plain, String what) {
      return new BadLengthException(
          "a compressed string at byte "
              + position
              + " says its "
              + compressed
              + " bytes expand to "
              + Long.toUnsignedString(plain)
              + " ("
              + what
              + "), more than LZF can expand them");
    }
  }
}
