package io.github.rediskeysmigrator.source;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rule that spaces the re-reads of one big key ({@code scan --live}): a notification says that
 * a key changed, not how, so every re-read costs the whole key. A key whose last DUMP was at least
 * {@link #FROM_BYTES} is re-read again no sooner than {@code bytes / BYTES_PER_SECOND} after its
 * last re-read, at least {@link #FLOOR_MS} and at most {@link #CEILING_MS}: a hot 10 MB sorted set
 * costs about 8 MiB of DUMP per second and waits at most 10 s. Smaller keys are not spaced.
 */
final class RereadSpacing {
  /** Keys whose DUMP is smaller than this are re-read at every notification. */
  static final long FROM_BYTES = 64L << 10;

  /** The DUMP bytes per second one key may cost at most (above the floor). */
  static final long BYTES_PER_SECOND = 8L << 20;

  /** The shortest spacing of a key that is spaced at all. */
  static final long FLOOR_MS = 100;

  /** The longest spacing, whatever the key's size. */
  static final long CEILING_MS = 10_000;

  /** Big keys remembered at most (the oldest forgotten first): about 200 bytes each. */
  private static final int REMEMBERED = 10_000;

  private record Id(int db, byte[] name) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Id other && other.db == db && Arrays.equals(other.name, name);
    }

    @Override
    public int hashCode() {
      return 31 * db + Arrays.hashCode(name);
    }
  }

  /** When a big key may be re-read next, and its spacing. */
  private record Spaced(long dueMs, long intervalMs) {}

  private final Map<Id, Spaced> due =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Id, Spaced> eldest) {
          return size() > REMEMBERED;
        }
      };

  /** The spacing, in milliseconds, after a re-read whose DUMP had {@code dumpBytes}. */
  static long intervalMs(long dumpBytes) {
    if (dumpBytes < FROM_BYTES) {
      return 0;
    }
    long ms = dumpBytes * 1000 / BYTES_PER_SECOND;
    return Math.min(CEILING_MS, Math.max(FLOOR_MS, ms));
  }

  /** Notes that {@code name} was re-read at {@code nowMs} with a DUMP of {@code dumpBytes}. */
  synchronized void reread(int db, byte[] name, long dumpBytes, long nowMs) {
    long interval = intervalMs(dumpBytes);
    Id id = new Id(db, name);
    // Removed first, so that the key counts as the newest one remembered.
    due.remove(id);
    if (interval > 0) {
      due.put(id, new Spaced(nowMs + interval, interval));
    }
  }

  /**
   * Notes that {@code name} was taken to be re-read at {@code nowMs}: a notification that comes
   * while its re-read is in flight waits for the spacing too (the re-read then sets the exact one).
   */
  synchronized void taken(int db, byte[] name, long nowMs) {
    Id id = new Id(db, name);
    Spaced s = due.get(id);
    if (s != null) {
      due.put(id, new Spaced(nowMs + s.intervalMs(), s.intervalMs()));
    }
  }

  /** When {@code name} may be re-read next (0: now). */
  synchronized long dueMs(int db, byte[] name) {
    Spaced s = due.get(new Id(db, name));
    return s == null ? 0 : s.dueMs();
  }
}
