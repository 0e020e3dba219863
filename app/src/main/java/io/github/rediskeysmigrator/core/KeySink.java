package io.github.rediskeysmigrator.core;

/** Receives events from a {@link KeySource}; may block to apply back-pressure. */
@FunctionalInterface
public interface KeySink {
  /** Takes one event; blocks while the consumer is behind. */
  void accept(SourceEvent event) throws InterruptedException;
}
