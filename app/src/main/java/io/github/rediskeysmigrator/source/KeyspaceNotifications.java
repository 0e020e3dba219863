package io.github.rediskeysmigrator.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What {@code scan --live} needs from a source's {@code notify-keyspace-events}, and how its
 * keyspace channels name a key.
 */
public final class KeyspaceNotifications {
  /** The classes of events a live re-read must hear of: K plus every event class of "A". */
  static final String NEEDED = "Kg$lshzxet";

  /** The value we ask users to set. */
  public static final String ADVISED = "KEA";

  private static final byte[] PREFIX = "__keyspace@".getBytes(StandardCharsets.US_ASCII);

  private KeyspaceNotifications() {}

  /** The flags of {@link #NEEDED} that {@code configured} lacks, in that order; empty if none. */
  public static String missing(String configured) {
    String have = configured.replace("A", "g$lshzxet");
    StringBuilder out = new StringBuilder();
    for (char c : NEEDED.toCharArray()) {
      if (have.indexOf(c) < 0) {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code configured} with the missing flags added, as CONFIG SET takes it. */
  public static String withNeeded(String configured) {
    return configured + missing(configured);
  }

  /** The PSUBSCRIBE pattern for keys of {@code db} that match {@code match}. */
  static byte[] pattern(int db, byte[] match) {
    byte[] head = ("__keyspace@" + db + "__:").getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(head, head.length + match.length);
    System.arraycopy(match, 0, out, head.length, match.length);
    return out;
  }

  /** The db of a keyspace channel ({@code __keyspace@N__:key}), or -1 when it is not one. */
  static int db(byte[] channel) {
    int end = tail(channel);
    if (end < 0) {
      return -1;
    }
    return Integer.parseInt(
        new String(channel, PREFIX.length, end - PREFIX.length, StandardCharsets.US_ASCII));
  }

  /** The key of a keyspace channel, or null when it is not one. */
  static byte[] key(byte[] channel) {
    int end = tail(channel);
    return end < 0 ? null : Arrays.copyOfRange(channel, end + 3, channel.length);
  }

  /** Index of the "__:" after the db number, or -1. */
  private static int tail(byte[] channel) {
    if (channel.length < PREFIX.length + 4 || !startsWith(channel, PREFIX)) {
      return -1;
    }
    int i = PREFIX.length;
    while (i < channel.length && channel[i] >= '0' && channel[i] <= '9') {
      i++;
    }
    if (i == PREFIX.length || i + 3 > channel.length) {
      return -1;
    }
    return channel[i] == '_' && channel[i + 1] == '_' && channel[i + 2] == ':' ? i : -1;
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
