package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.rdb.RdbTypes;

/**
 * One key of the source with what the source holds under it.
 *
 * @param sourceDb the database it was read from
 * @param key its bytes; never mutated
 * @param state its type, expiry and value at the source; a missing state is a key the source listed
 *     but that was gone by the time it was read
 */
public record SourceKey(int sourceDb, byte[] key, KeyState state) {

  /** A key read from an RDB file. */
  public static SourceKey of(KeyEvent e) {
    return new SourceKey(
        e.sourceDb(),
        e.key(),
        KeyState.ofPayload(RdbTypes.keyType(e.payload()[0] & 0xff), e.expireAtMs(), e.payload()));
  }

  /** The key as the migration's filters see it (db, name, type, expiry). */
  public KeyEvent asEvent() {
    return KeyEvent.of(sourceDb, key, state.type(), state.expireAtMs(), state.payload());
  }

  /** Bytes held in memory, for queue sizing. */
  public long weight() {
    return key.length + (state.payload() == null ? 0L : state.payload().length) + 96;
  }
}
