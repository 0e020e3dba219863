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
 */
public record LiveOptions(
    CommandKeys keys,
    Checkpointer checkpointer,
    long checkpointEveryMs,
    byte[] destinationMarker,
    int streams) {
  /** No live commands expected. */
  public static final LiveOptions NONE = new LiveOptions(CommandKeys.NONE, null, 0, null, 1);

  /** Options for one stream. */
  public LiveOptions(
      CommandKeys keys,
      Checkpointer checkpointer,
      long checkpointEveryMs,
      byte[] destinationMarker) {
    this(keys, checkpointer, checkpointEveryMs, destinationMarker, 1);
  }
}
