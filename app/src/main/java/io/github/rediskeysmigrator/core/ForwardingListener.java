package io.github.rediskeysmigrator.core;

/**
 * A listener that passes every outcome on to another; subclasses override the outcomes they treat
 * differently.
 */
public abstract class ForwardingListener implements WriteListener {
  /** Where outcomes go on. */
  protected final WriteListener next;

  protected ForwardingListener(WriteListener next) {
    this.next = next;
  }

  @Override
  public void written(KeyEvent event) {
    next.written(event);
  }

  @Override
  public void rewritten(KeyEvent event) {
    next.rewritten(event);
  }

  @Override
  public void expired(KeyEvent event) {
    next.expired(event);
  }

  @Override
  public void existed(KeyEvent event) {
    next.existed(event);
  }

  @Override
  public void failed(KeyEvent event, WriteFailure failure) {
    next.failed(event, failure);
  }

  @Override
  public void lost(KeyEvent event, WriteFailure failure) {
    next.lost(event, failure);
  }

  @Override
  public void typeNotHeld(String type) {
    next.typeNotHeld(type);
  }

  @Override
  public void keyMissing(CommandEvent command) {
    next.keyMissing(command);
  }

  @Override
  public void commandApplied(CommandEvent command) {
    next.commandApplied(command);
  }

  @Override
  public void commandFailed(CommandEvent command, WriteFailure failure) {
    next.commandFailed(command, failure);
  }
}
