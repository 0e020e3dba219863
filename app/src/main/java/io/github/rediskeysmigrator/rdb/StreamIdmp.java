package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.rdb.PayloadDecoder.StreamId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A stream's idempotent-producer (IDMP) state, which Redis 8.6 keeps with a stream and writes as
 * the tail of RDB type 26: for each producer the idempotent ids it sent lately and the entry each
 * became, so that XADD with IDMP can refuse a duplicate. No older server can hold it; a stream
 * rewritten for one is written without it.
 *
 * @param durationSeconds how long an idempotent id is remembered
 * @param maxEntries how many ids are remembered per producer
 * @param producers the producers with ids remembered
 * @param idsAdded the all-time count of ids added
 * @param duplicates the all-time count of duplicates refused
 */
public record StreamIdmp(
    long durationSeconds,
    long maxEntries,
    List<Producer> producers,
    long idsAdded,
    long duplicates) {

  /** A producer id or an idempotent id: bytes, equal by content. */
  public record Id(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Id other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  /** One producer and the idempotent ids remembered for it. */
  public record Producer(Id id, List<Entry> entries) {}

  /** One remembered idempotent id and the stream entry it became. */
  public record Entry(Id iid, StreamId streamId) {}

  /** How many idempotent ids are remembered, over all producers. */
  public long idCount() {
    return producers.stream().mapToLong(p -> p.entries().size()).sum();
  }

  /** What the state holds, in words, for a note that it was left out. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%d producer%s with %d idempotent id%s, IDMP duration %d s, max %d ids per producer",
        producers.size(),
        producers.size() == 1 ? "" : "s",
        idCount(),
        idCount() == 1 ? "" : "s",
        durationSeconds,
        maxEntries);
  }
}
