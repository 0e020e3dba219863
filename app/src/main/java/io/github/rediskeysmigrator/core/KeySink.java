package io.github.rediskeysmigrator.core;

/** Receives keys from a {@link KeySource}; may block to apply back-pressure. */
@FunctionalInterface
public interface KeySink {
  /** Takes one key; blocks while the consumer is behind. */
  void accept(KeyEvent event) throws InterruptedException;
}
