package io.github.rediskeysmigrator.aof;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the commands of an append-only file (RESP arrays of bulk strings, and {@code #} annotation
 * lines) one at a time, with the byte offset of each, the way Redis's own loader reads them: a file
 * that ends inside a command yields {@link AofEntry.Truncated} (the tail {@code aof-load-truncated}
 * drops), and anything else that is not a command is a {@link BadAofException} naming the file and
 * byte offset. Written by hand rather than taken from Redis Replicator's AOF reader because that
 * one reports neither the offset of a bad command nor a cut tail apart from corruption.
 *
 * <p>Lengths are checked against what the file can still hold ({@code bound}) before anything is
 * allocated for them, so a corrupt length cannot exhaust the heap.
 */
public final class AofCommandReader implements java.io.Closeable {
  /** Redis's own limit for an annotation line ({@code AOF_ANNOTATION_LINE_MAX_LEN}). */
  private static final int MAX_ANNOTATION = 1024;

  /** A count or length line: a sign and 19 digits at most. */
  private static final int MAX_NUMBER = 32;

  private final Path file;
  private final InputStream in;
  private final long bound;
  private long pos;
  private boolean done;

  /**
   * @param file the file's name, for messages
   * @param in its bytes, from {@code start} on (buffered by the caller)
   * @param start the offset in the file of the first byte {@code in} gives (after an RDB preamble)
   * @param bound the most bytes the file can hold in all (its size, or more for a gzip file)
   */
  public AofCommandReader(Path file, InputStream in, long start, long bound) {
    this.file = file;
    this.in = in;
    this.pos = start;
    this.bound = bound;
  }

  /** Closes the bytes read. */
  @Override
  public void close() throws IOException {
    in.close();
  }

  /** The next entry, or null at the end of the file (also after a {@link AofEntry.Truncated}). */
  public AofEntry next() throws IOException, BadAofException {
    while (!done) {
      long start = pos;
      int first = read();
      if (first < 0) {
        done = true;
        return null;
      }
      try {
        if (first != '#') {
          return command(first, start);
        }
        String line = line(start, MAX_ANNOTATION);
        if (line.startsWith("TS:")) {
          try {
            return new AofEntry.Timestamp(Long.parseLong(line.substring(3)), start);
          } catch (NumberFormatException e) {
            throw new BadAofException(file, start, "bad timestamp annotation '#" + line + "'");
          }
        }
        // Redis skips any other annotation line, and so do we.
      } catch (EOFException e) {
        return truncated(start);
      }
    }
    return null;
  }

  private AofEntry command(int first, long start) throws IOException, BadAofException {
    {
      if (first != '*') {
        throw new BadAofException(
            file, start, "expected a command ('*'), found " + describe(first));
      }
      long argc = number(line(start, MAX_NUMBER), start, "argument count");
      if (argc < 1) {
        throw new BadAofException(file, start, "a command with " + argc + " arguments");
      }
      // Each argument takes at least 6 bytes ("$0\r\n\r\n"): more than the file can hold is a
      // cut tail, as for Redis, found without allocating for it.
      if (argc > (bound - pos) / 6 + 1) {
        return truncated(start);
      }
      List<byte[]> argv = new ArrayList<>((int) Math.min(argc, 1024));
      for (long i = 0; i < argc; i++) {
        long at = pos;
        int dollar = read();
        if (dollar < 0) {
          return truncated(start);
        }
        if (dollar != '$') {
          throw new BadAofException(
              file, at, "expected an argument ('$'), found " + describe(dollar));
        }
        long len = number(line(at, MAX_NUMBER), at, "argument length");
        if (len < 0) {
          throw new BadAofException(file, at, "an argument of length " + len);
        }
        if (len + 2 > bound - pos) {
          return truncated(start);
        }
        byte[] arg = in.readNBytes((int) Math.min(len, Integer.MAX_VALUE));
        pos += arg.length;
        if (arg.length < len) {
          return truncated(start);
        }
        int cr = read();
        int lf = read();
        if (lf < 0) {
          return truncated(start);
        }
        if (cr != '\r' || lf != '\n') {
          throw new BadAofException(file, pos - 2, "an argument not followed by CRLF");
        }
        argv.add(arg);
      }
      return new AofEntry.Command(argv.toArray(new byte[0][]), start, pos);
    }
  }

  /** The offset of the next byte to read. */
  public long position() {
    return pos;
  }

  private AofEntry truncated(long start) {
    done = true;
    return new AofEntry.Truncated(start);
  }

  private int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      pos++;
    }
    return b;
  }

  /** The rest of a line up to CRLF (the first byte already read); EOF inside it is a cut tail. */
  private String line(long start, int max) throws IOException, BadAofException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int b = read();
      if (b < 0) {
        throw new EOFException();
      }
      if (b == '\r') {
        int lf = read();
        if (lf < 0) {
          throw new EOFException();
        }
        if (lf != '\n') {
          throw new BadAofException(file, pos - 1, "a line not ended by CRLF");
        }
        return sb.toString();
      }
      if (sb.length() >= max) {
        throw new BadAofException(file, start, "a line longer than " + max + " bytes");
      }
      sb.append((char) b);
    }
  }

  private long number(String text, long at, String what) throws BadAofException {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new BadAofException(file, at, "bad " + what + " '" + text + "'");
    }
  }

  private static String describe(int b) {
    if (b >= 0x20 && b < 0x7f) {
      return "'" + (char) b + "'";
    }
    return String.format("byte 0x%02x", b);
  }

  /** The bytes of {@code s} in ASCII, for tests and messages. */
  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
