package io.github.rediskeysmigrator.core;

/**
 * How a run treats live commands (the {@code sync} command); {@link #NONE} for sources without
 * them.
 *
 * @param keys key positions and types of commands, for --match, --type and the skip rule
 * @param checkpointer where applied offsets go, or null
 * @param checkpointEveryMs how often, at most, the checkpoint is rewritten while commands flow
 * @param destinationMarker key (in db 0 of the destination) that records, in the same transaction
 *     as each batch of commands, the offset the batch reaches; null for none
 * @param streams replication streams read at once (one per master of a cluster source)
 * @param translator what the destination applies in place of each command (its version's)
 * @param refetch reads a key again from the source, with its offset, when the destination lost it
 *     to a TTL race ({@link TtlRaces}); null when the source cannot
 */
public record LiveOptions(
    CommandKeys keys,
    Checkpointer checkpointer,
    long checkpointEveryMs,
    byte[] destinationMarker,
    int streams,
    LiveTranslator translator,
    KeyRefetch refetch) {
  /** No live commands expected. */
  public static final LiveOptions NONE = new LiveOptions(CommandKeys.NONE, null, 0, null, 1);

  /** Options for {@code streams} streams, commands applied as they are. */
  public LiveOptions(
      CommandKeys keys,
      Checkpointer checkpointer,
      long checkpointEveryMs,
      byte[] destinationMarker,
      int streams) {
    this(
        keys,
        checkpointer,
        checkpointEveryMs,
        destinationMarker,
        streams,
        LiveTranslator.AS_IS,
        null);
  }

  /** The same options, commands translated by {@code t} for the destination. */
  public LiveOptions withTranslator(LiveTranslator t) {
    return this == NONE
        ? this
        : new LiveOptions(
            keys, checkpointer, checkpointEveryMs, destinationMarker, streams, t, refetch);
  }

  /** The same options, keys lost to a TTL race read again through {@code r}. */
  public LiveOptions withRefetch(KeyRefetch r) {
    return this == NONE
        ? this
        : new LiveOptions(
            keys, checkpointer, checkpointEveryMs, destinationMarker, streams, translator, r);
  }

  /** Options for one stream. */
  public LiveOptions(
      CommandKeys keys,
      Checkpointer checkpointer,
      long checkpointEveryMs,
      byte[] destinationMarker) {
    this(keys, checkpointer, checkpointEveryMs, destinationMarker, 1);
  }
}
