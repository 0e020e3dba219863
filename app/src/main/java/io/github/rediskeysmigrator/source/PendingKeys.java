package io.github.rediskeysmigrator.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keys notified as changed and not yet re-read ({@code scan --live}): a burst of changes to one key
 * is one entry, which keeps its place (and its first-seen time) until it is taken. The set is
 * capped by keys and by estimated bytes: past the cap a notification is dropped (the caller then
 * rescans). A big key re-read recently waits, deferred, until {@link RereadSpacing} allows its next
 * re-read. Safe from the subscription thread, the rescan thread and the re-reading thread at once.
 */
final class PendingKeys {
  /**
   * Bytes an entry costs besides its name, estimated: the map's node, the id, the entry and the
   * name's array header.
   */
  static final long ENTRY_OVERHEAD_BYTES = 160;

  /** One pending key. */
  record Key(int db, byte[] name) {}

  /** A key as the map knows it: db and name compared by content. */
  private static final class Id {
    final Key key;
    final int hash;

    Id(int db, byte[] name) {
      this.key = new Key(db, name);
      this.hash = 31 * db + Arrays.hashCode(name);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Id other
          && other.key.db() == key.db()
          && Arrays.equals(other.key.name(), key.name());
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private record Entry(Id id, long firstSeenMs, long dueMs) {}

  private final Map<Id, Entry> entries = new LinkedHashMap<>();
  private final Map<Id, Entry> deferred = new LinkedHashMap<>();
  private final RereadSpacing spacing;
  private final long maxKeys;
  private final long maxBytes;
  private long bytes;
  private long dropped;
  private long deferrals;

  /**
   * @param maxKeys keys the set holds at most
   * @param maxBytes estimated bytes the set holds at most (names plus {@link #ENTRY_OVERHEAD_BYTES}
   *     each)
   */
  PendingKeys(long maxKeys, long maxBytes, RereadSpacing spacing) {
    this.maxKeys = Math.max(1, maxKeys);
    this.maxBytes = Math.max(ENTRY_OVERHEAD_BYTES, maxBytes);
    this.spacing = spacing;
  }

  /**
   * Notes that {@code name} in {@code db} changed at {@code nowMs}; false (and counted as dropped)
   * when the set is full and the key was not in it already.
   */
  synchronized boolean add(int db, byte[] name, long nowMs) {
    Id id = new Id(db, name);
    if (entries.containsKey(id) || deferred.containsKey(id)) {
      return true;
    }
    long cost = cost(name);
    if (size() >= maxKeys || bytes + cost > maxBytes) {
      dropped++;
      return false;
    }
    insert(id, cost, nowMs);
    return true;
  }

  /**
   * Adds {@code name} as a rescan does: waits while the set holds half its cap or more, so that
   * notifications keep room, and never drops. Returns false when {@code stopped} ended the wait.
   */
  synchronized boolean put(int db, byte[] name, long nowMs, java.util.function.BooleanSupplier stop)
      throws InterruptedException {
    Id id = new Id(db, name);
    long cost = cost(name);
    while (size() >= Math.max(1, maxKeys / 2) || bytes + cost > maxBytes / 2) {
      if (stop.getAsBoolean()) {
        return false;
      }
      wait(100);
    }
    if (!entries.containsKey(id) && !deferred.containsKey(id)) {
      insert(id, cost, nowMs);
    }
    return true;
  }

  private void insert(Id id, long cost, long nowMs) {
    long due = spacing.dueMs(id.key.db(), id.key.name());
    if (due > nowMs) {
      deferred.put(id, new Entry(id, nowMs, due));
      deferrals++;
    } else {
      entries.put(id, new Entry(id, nowMs, 0));
    }
    bytes += cost;
    notifyAll();
  }

  /** Takes up to {@code max} keys, oldest first; deferred keys whose time has come join first. */
  synchronized List<Key> take(int max, long nowMs) {
    release(nowMs);
    List<Key> out = new ArrayList<>(Math.min(max, entries.size()));
    Iterator<Entry> it = entries.values().iterator();
    while (out.size() < max && it.hasNext()) {
      Key k = it.next().id().key;
      spacing.taken(k.db(), k.name(), nowMs);
      out.add(k);
      bytes -= cost(k.name());
      it.remove();
    }
    if (!out.isEmpty()) {
      notifyAll();
    }
    return out;
  }

  /**
   * Moves the deferred keys that are due into the ready entries. Due as the spacing says now: a
   * re-read that was in flight when the key was deferred has moved its time on since.
   */
  private void release(long nowMs) {
    Iterator<Entry> it = deferred.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.dueMs() <= nowMs && spacing.dueMs(e.id().key.db(), e.id().key.name()) <= nowMs) {
        entries.put(e.id(), e);
        it.remove();
      }
    }
  }

  /**
   * Waits up to {@code millis} for a key to be ready (pending and not deferred, or deferred and
   * due); returns whether one is.
   */
  synchronized boolean await(long millis, java.util.function.LongSupplier clockMs)
      throws InterruptedException {
    if (entries.isEmpty() && millis > 0) {
      long wait = millis;
      long now = clockMs.getAsLong();
      for (Entry e : deferred.values()) {
        wait = Math.min(wait, Math.max(1, e.dueMs() - now));
      }
      wait(wait);
    }
    release(clockMs.getAsLong());
    return !entries.isEmpty();
  }

  /** Wakes a thread in {@link #await} or {@link #put}. */
  synchronized void wake() {
    notifyAll();
  }

  /** Keys pending, deferred ones included. */
  synchronized int size() {
    return entries.size() + deferred.size();
  }

  /** Keys waiting for their re-read to be allowed ({@link RereadSpacing}). */
  synchronized int deferredSize() {
    return deferred.size();
  }

  /** Notifications dropped because the set was full. */
  synchronized long dropped() {
    return dropped;
  }

  /** Notifications that found their key's next re-read not allowed yet. */
  synchronized long deferrals() {
    return deferrals;
  }

  /** Milliseconds since the oldest pending key was first seen; 0 when none is pending. */
  synchronized long oldestAgeMs(long nowMs) {
    long oldest = oldestDeferredAgeMs(nowMs);
    Iterator<Entry> it = entries.values().iterator();
    return it.hasNext() ? Math.max(oldest, nowMs - it.next().firstSeenMs()) : oldest;
  }

  /** Milliseconds since the oldest deferred key was first seen; 0 when none is deferred. */
  synchronized long oldestDeferredAgeMs(long nowMs) {
    long oldest = 0;
    for (Entry e : deferred.values()) {
      oldest = Math.max(oldest, nowMs - e.firstSeenMs());
    }
    return oldest;
  }

  private static long cost(byte[] name) {
    return name.length + ENTRY_OVERHEAD_BYTES;
  }
}
