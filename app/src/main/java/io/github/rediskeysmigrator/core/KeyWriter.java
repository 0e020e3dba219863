package io.github.rediskeysmigrator.core;

/**
 * Writes keys to the destination. Each key's fate is reported to the {@link WriteListener} given at
 * construction, in the order the keys were written, once its reply has been read.
 */
public interface KeyWriter extends AutoCloseable {

  /** Queues one key; may send a pipeline and wait for replies. */
  void write(KeyEvent event) throws WriteException, InterruptedException;

  /** Queues one live command; its fate goes to the listener's command methods. */
  void writeCommand(CommandEvent command) throws WriteException, InterruptedException;

  /** Sends whatever is queued and waits until every reply has been reported. */
  void flush() throws WriteException, InterruptedException;

  /**
   * Restores function libraries (FUNCTION RESTORE payloads) after every key was flushed; each
   * library's fate goes to {@code listener}.
   */
  void restoreFunctions(java.util.List<byte[]> libraries, FunctionListener listener)
      throws WriteException;

  @Override
  void close();
}
