package io.github.rediskeysmigrator.core;

/**
 * The hand-off of a migration, from the reading thread to the writing thread. Live commands and
 * resume points go at once: a replication stream may pause for a long time, and what it sent before
 * the pause must reach the destination now. Keys wait for a full batch.
 */
public final class HandoffQueue extends BatchedHandoff<SourceEvent> implements KeySink {

  /** A queue holding about {@code maxKeys} keys in flight (at least two batches). */
  public HandoffQueue(int maxKeys) {
    super(maxKeys, SourceEvent::weight, e -> !(e instanceof KeyEvent));
  }

  /** Producer side: adds one event, blocking while the consumer is behind. */
  @Override
  public void accept(SourceEvent event) throws InterruptedException {
    add(event);
  }

  @Override
  public void publish() throws InterruptedException {
    super.publish();
  }
}
