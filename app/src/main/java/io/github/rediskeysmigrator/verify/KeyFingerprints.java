package io.github.rediskeysmigrator.verify;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The key names of RDB files as 64-bit fingerprints (a hash of db and key bytes) in one sorted
 * {@code long[]}: 8 bytes per key, however long the names, where a set of the names would hold each
 * name plus some 50 bytes of overhead. Filled while the files are read, in blocks of 64 Ki
 * fingerprints so growing never copies; {@link #seal} moves them into one array, freeing each block
 * as it goes, and sorts it. Two names with one fingerprint can only make a destination key look
 * present at the source, so a collision may hide an extra key but never invents one.
 */
final class KeyFingerprints implements SourceIndex {
  private static final int BLOCK = 1 << 16;
  private static final long M = 0xc6a4a7935bd1e995L;
  private static final int R = 47;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final List<long[]> blocks = new ArrayList<>();
  private final Set<Integer> dbs = new TreeSet<>();
  private int fill = BLOCK;
  private long size;
  private long[] sorted;

  /** Adds the key {@code key} of db {@code db}; before {@link #seal} only. */
  void add(int db, byte[] key) {
    if (sorted != null) {
      throw new IllegalStateException("the fingerprints are sealed");
    }
    if (fill == BLOCK) {
      blocks.add(new long[BLOCK]);
      fill = 0;
    }
    blocks.get(blocks.size() - 1)[fill++] = hash(db, key);
    size++;
    dbs.add(db);
  }

  /** Ends adding: the fingerprints are sorted for lookups. */
  void seal() {
    if (sorted != null) {
      return;
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("more than 2^31 keys: too many to index in one array");
    }
    long[] all = new long[(int) size];
    int at = 0;
    for (int i = 0; i < blocks.size(); i++) {
      int n = (int) Math.min(BLOCK, size - at);
      System.arraycopy(blocks.get(i), 0, all, at, n);
      blocks.set(i, null);
      at += n;
    }
    blocks.clear();
    Arrays.sort(all);
    sorted = all;
  }

  /** Keys added. */
  long size() {
    return size;
  }

  /** The dbs that had keys. */
  Set<Integer> dbs() {
    return Set.copyOf(dbs);
  }

  @Override
  public boolean[] contains(int db, List<byte[]> names) {
    seal();
    boolean[] out = new boolean[names.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.binarySearch(sorted, hash(db, names.get(i))) >= 0;
    }
    return out;
  }

  @Override
  public void close() {
    sorted = null;
  }

  /** MurmurHash64A of the key, seeded with the db. */
  static long hash(int db, byte[] key) {
    long h = (0x9747b28cL + db * 0x9E3779B97F4A7C15L) ^ (key.length * M);
    int whole = key.length & ~7;
    for (int i = 0; i < whole; i += 8) {
      long k = (long) LONGS.get(key, i);
      k *= M;
      k ^= k >>> R;
      k *= M;
      h ^= k;
      h *= M;
    }
    int rest = key.length - whole;
    if (rest > 0) {
      long t = 0;
      for (int i = rest - 1; i >= 0; i--) {
        t = (t << 8) | (key[whole + i] & 0xff);
      }
      h ^= t;
      h *= M;
    }
    h ^= h >>> R;
    h *= M;
    h ^= h >>> R;
    return h;
  }
}
