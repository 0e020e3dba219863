package io.github.rediskeysmigrator.core;

/** Receives events from a {@link KeySource}; may block to apply back-pressure. */
@FunctionalInterface
public interface KeySink {
  /** Takes one event; blocks while the consumer is behind. */
  void accept(SourceEvent event) throws InterruptedException;

  /**
   * Hands on what was accepted so far without waiting for a full batch: a source about to pause
   * (scan --live between changes) calls it so its last keys reach the destination now.
   */
  default void publish() throws InterruptedException {}
}
