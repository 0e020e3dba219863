package io.github.rediskeysmigrator.core;

/**
 * The hand-off of a migration, from the reading thread to the writing thread. Live commands and
 * resume points go at once: a replication stream may pause for a long time, and what it sent before
 * the pause must reach the destination now. Keys wait for a full batch, and so does a command that
 * the next event completes (a {@code scan --live} re-read's DEL, followed by the key's value): made
 * urgent, each re-read crossed threads as a batch of its own, and the live re-reads ran at 0.5 of
 * the first pass's rate.
 */
public final class HandoffQueue extends BatchedHandoff<SourceEvent> implements KeySink {

  /** A queue holding about {@code maxKeys} keys in flight (at least two batches). */
  public HandoffQueue(int maxKeys) {
    super(
        maxKeys,
        SourceEvent::weight,
        e -> !(e instanceof KeyEvent) && !(e instanceof CommandEvent c && c.completedByNext()));
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
