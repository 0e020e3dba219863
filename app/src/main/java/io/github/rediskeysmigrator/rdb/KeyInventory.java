package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeySink;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.SourceEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts the keys a source hands over (per db, per type, with an expiry, already expired) and keeps
 * the biggest ones by DUMP payload size, for {@code inspect}. Not thread-safe: a source calls its
 * sink from one thread.
 */
public final class KeyInventory implements KeySink {
  /** How many of the biggest keys are kept. */
  public static final int BIGGEST = 10;

  private long idmpStreams;

  /** Biggest first; ties by db, then key bytes, so the listing is the same on every run. */
  private static final Comparator<BigKey> BIGGEST_FIRST =
      Comparator.comparingLong(BigKey::size)
          .reversed()
          .thenComparingInt(BigKey::db)
          .thenComparing(BigKey::key, Arrays::compareUnsigned);

  private final long nowMs;
  private final int keep;
  private final SortedMap<Integer, Tally> dbs = new TreeMap<>();
  private final SortedMap<String, Long> moduleTypes = new TreeMap<>();
  // Smallest of the kept keys on top, so a bigger one replaces it.
  private final PriorityQueue<BigKey> biggest = new PriorityQueue<>(BIGGEST_FIRST.reversed());

  /** An inventory that judges expiry against {@code nowMs} and keeps {@link #BIGGEST} keys. */
  public KeyInventory(long nowMs) {
    this(nowMs, BIGGEST);
  }

  /** An inventory that judges expiry against {@code nowMs} and keeps {@code keep} keys. */
  public KeyInventory(long nowMs, int keep) {
    this.nowMs = nowMs;
    this.keep = keep;
  }

  /**
   * One of the biggest keys.
   *
   * @param db the database it is in
   * @param key its name (not copied: KeyEvent keys are never mutated)
   * @param type its type
   * @param size its DUMP payload size in bytes
   */
  public record BigKey(int db, byte[] key, KeyType type, long size) {}

  /**
   * Counts of one database, or of all of them.
   *
   * @param keys keys read
   * @param types keys per type, only types present
   * @param withExpiry keys that carry a TTL (expired ones included)
   * @param expired keys whose TTL had run out at the inventory's time
   */
  public record Counts(long keys, Map<KeyType, Long> types, long withExpiry, long expired) {}

  /** The mutable counts of one database while reading. */
  private static final class Tally {
    long keys;
    final long[] types = new long[KeyType.values().length];
    long withExpiry;
    long expired;

    void add(Tally o) {
      keys += o.keys;
      for (int i = 0; i < types.length; i++) {
        types[i] += o.types[i];
      }
      withExpiry += o.withExpiry;
      expired += o.expired;
    }

    Counts counts() {
      Map<KeyType, Long> t = new EnumMap<>(KeyType.class);
      for (KeyType type : KeyType.values()) {
        if (types[type.ordinal()] > 0) {
          t.put(type, types[type.ordinal()]);
        }
      }
      return new Counts(keys, Collections.unmodifiableMap(t), withExpiry, expired);
    }
  }

  @Override
  public void accept(SourceEvent event) {
    if (!(event instanceof KeyEvent key) || key.isGone()) {
      return;
    }
    Tally db = dbs.computeIfAbsent(key.sourceDb(), d -> new Tally());
    db.keys++;
    db.types[key.type().ordinal()]++;
    if (key.hasExpiry()) {
      db.withExpiry++;
      // The same test as the rdb command's expiry filter.
      if (key.expireAtMs() <= nowMs) {
        db.expired++;
      }
    }
    if (key.payloadRdbType() == RdbTypes.STREAM_LISTPACKS_4 && remembersIds(key)) {
      idmpStreams++;
    }
    if (key.type() == KeyType.MODULE) {
      String name = ModuleTypeNames.of(key.payload()).orElse("(unknown)");
      moduleTypes.merge(name, 1L, Long::sum);
    }
    BigKey big = new BigKey(key.sourceDb(), key.key(), key.type(), key.payload().length);
    if (biggest.size() < keep) {
      biggest.add(big);
    } else if (keep > 0 && BIGGEST_FIRST.compare(big, biggest.peek()) < 0) {
      biggest.poll();
      biggest.add(big);
    }
  }

  /** Counts per database, by database number. */
  public SortedMap<Integer, Counts> perDb() {
    SortedMap<Integer, Counts> m = new TreeMap<>();
    dbs.forEach((db, t) -> m.put(db, t.counts()));
    return Collections.unmodifiableSortedMap(m);
  }

  /** Counts over every database. */
  public Counts total() {
    Tally t = new Tally();
    dbs.values().forEach(t::add);
    return t.counts();
  }

  /** The biggest keys, biggest first. */
  public List<BigKey> biggest() {
    List<BigKey> list = new ArrayList<>(biggest);
    list.sort(BIGGEST_FIRST);
    return List.copyOf(list);
  }

  /**
   * Whether a type 26 stream's IDMP state remembers idempotent ids (an empty state loses nothing
   * anywhere). A big key's payload, kept in a file, and a state that cannot be read count as
   * remembering some.
   */
  private static boolean remembersIds(KeyEvent key) {
    if (key.file() != null) {
      return true;
    }
    try {
      return !PayloadDecoder.idmpOf(key.payload()).producers().isEmpty();
    } catch (PayloadDecoder.DecodeException e) {
      return true;
    }
  }

  /**
   * Streams with a non-empty idempotent-producer (IDMP) state (RDB 13's type 26, Redis 8.6): only a
   * destination that takes RDB 13 keeps that state; any other gets them without it.
   */
  public long idmpStreams() {
    return idmpStreams;
  }

  /** Module keys per module type name ({@code (unknown)} when the payload cannot say). */
  public SortedMap<String, Long> moduleTypes() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(moduleTypes));
  }
}
