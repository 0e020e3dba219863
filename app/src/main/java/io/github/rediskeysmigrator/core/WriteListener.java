package io.github.rediskeysmigrator.core;

/** Learns what the destination did with each key. */
public interface WriteListener {
  /** The key was written. */
  void written(KeyEvent event);

  /** The key existed at the destination and was left alone (policy skip or fail). */
  void existed(KeyEvent event);

  /** The destination rejected the key; {@code reason} is its reply or our explanation. */
  void failed(KeyEvent event, String reason);
}
