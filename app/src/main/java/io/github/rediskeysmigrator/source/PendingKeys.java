package io.github.rediskeysmigrator.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keys notified as changed and not yet re-read ({@code scan --live}): a burst of changes to one key
 * is one entry, which keeps its place (and its first-seen time) until it is taken. Safe from the
 * subscription thread and the re-reading thread at once.
 */
final class PendingKeys {
  /** One pending key. */
  record Key(int db, byte[] name) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private record Entry(Key key, long firstSeenMs) {}

  /** Notes that {@code name} in {@code db} changed at {@code nowMs}. */
  synchronized void add(int db, byte[] name, long nowMs) {
    entries.putIfAbsent(id(db, name), new Entry(new Key(db, name), nowMs));
    notifyAll();
  }

  /** Takes up to {@code max} keys, oldest first. */
  synchronized List<Key> take(int max) {
    List<Key> out = new ArrayList<>(Math.min(max, entries.size()));
    Iterator<Entry> it = entries.values().iterator();
    while (out.size() < max && it.hasNext()) {
      out.add(it.next().key());
      it.remove();
    }
    return out;
  }

  /** Waits up to {@code millis} for a key to be pending; returns whether one is. */
  synchronized boolean await(long millis) throws InterruptedException {
    if (entries.isEmpty() && millis > 0) {
      wait(millis);
    }
    return !entries.isEmpty();
  }

  /** Wakes a thread in {@link #await}. */
  synchronized void wake() {
    notifyAll();
  }

  synchronized int size() {
    return entries.size();
  }

  /** Milliseconds since the oldest pending key was first seen; 0 when none is pending. */
  synchronized long oldestAgeMs(long nowMs) {
    Iterator<Entry> it = entries.values().iterator();
    return it.hasNext() ? Math.max(0, nowMs - it.next().firstSeenMs()) : 0;
  }

  private static String id(int db, byte[] name) {
    return db + ":" + new String(name, StandardCharsets.ISO_8859_1);
  }
}
