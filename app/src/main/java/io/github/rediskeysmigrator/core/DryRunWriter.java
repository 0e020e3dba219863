package io.github.rediskeysmigrator.core;

/** A writer that writes nothing and books every key as it would have been written. */
public final class DryRunWriter implements KeyWriter {
  private final WriteListener listener;

  public DryRunWriter(WriteListener listener) {
    this.listener = listener;
  }

  @Override
  public void write(KeyEvent event) {
    listener.written(event);
  }

  @Override
  public void writeCommand(CommandEvent command) {
    listener.commandApplied(command);
  }

  @Override
  public void flush() {
    // Nothing is buffered.
  }

  @Override
  public void restoreFunctions(java.util.List<byte[]> libraries, FunctionListener listener) {
    for (int i = 0; i < libraries.size(); i++) {
      listener.restored(i);
    }
  }

  @Override
  public void close() {
    // Nothing to release.
  }
}
