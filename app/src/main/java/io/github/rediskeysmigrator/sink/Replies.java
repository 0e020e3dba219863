package io.github.rediskeysmigrator.sink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** How the writers read a plain reply: success, and a printable form for the error log. */
final class Replies {
  static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);

  private Replies() {}

  /** Whether {@code reply} is the status reply OK. */
  static boolean isOk(Object reply) {
    return reply instanceof byte[] b && Arrays.equals(b, OK);
  }

  /** A reply as the error log shows it. */
  static String describe(Object reply) {
    if (reply instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    return String.valueOf(reply);
  }

  /** The decimal digits of {@code v}, as the protocol sends a number. */
  static byte[] ascii(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
