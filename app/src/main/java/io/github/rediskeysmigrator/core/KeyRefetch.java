package io.github.rediskeysmigrator.core;

/**
 * Reads one key of a live source again, together with the replication offset the source stands at
 * when it reads it (one transaction), so that the stream's commands up to that offset can be left
 * out: they are already in the value read.
 */
public interface KeyRefetch extends AutoCloseable {

  /**
   * The key now, and where the source's replication stream stood at that instant.
   *
   * @param event the key (its DUMP payload and expiry), or a {@link KeyEvent#isGone gone} key when
   *     the source does not hold it
   * @param offset the source's master_repl_offset, read in the same transaction
   */
  record Read(KeyEvent event, long offset) {}

  /** Reads {@code key} of source db {@code db}. */
  Read read(int db, byte[] key) throws SourceException;

  @Override
  void close();
}
