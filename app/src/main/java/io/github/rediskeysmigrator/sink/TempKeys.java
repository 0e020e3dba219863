package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.redis.ClusterSlots;
import java.nio.charset.StandardCharsets;

/**
 * Names the temporary key a rewritten key is built under before it is renamed into place. RENAME
 * needs both names in the same hash slot on a Redis Cluster, and a key's own braces decide its slot
 * in ways a prefix cannot always keep (<code>a}{b</code>, <code>{}x</code>); so the temporary name
 * starts with a hash tag of its own, chosen to hash to the key's slot: <code>{TAG}rkm-tmp:KEY
 * </code>.
 */
final class TempKeys {
  private static final byte[] PREFIX = "rkm-tmp:".getBytes(StandardCharsets.US_ASCII);
  private static final String[] TAG = tags();

  private TempKeys() {}

  /** The temporary key for {@code key}: same hash slot, never a name the key itself could have. */
  static byte[] forKey(byte[] key) {
    byte[] tag = TAG[ClusterSlots.slot(key)].getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[tag.length + 2 + PREFIX.length + key.length];
    int i = 0;
    out[i++] = '{';
    System.arraycopy(tag, 0, out, i, tag.length);
    i += tag.length;
    out[i++] = '}';
    System.arraycopy(PREFIX, 0, out, i, PREFIX.length);
    i += PREFIX.length;
    System.arraycopy(key, 0, out, i, key.length);
    return out;
  }

  /** For each slot, the first short base-36 string that hashes to it. */
  private static String[] tags() {
    String[] tags = new String[ClusterSlots.SLOTS];
    int found = 0;
    for (int n = 0; found < tags.length; n++) {
      String s = Integer.toString(n, 36);
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      int slot = ClusterSlots.slot(b);
      if (tags[slot] == null) {
        tags[slot] = s;
        found++;
      }
    }
    return tags;
  }
}
