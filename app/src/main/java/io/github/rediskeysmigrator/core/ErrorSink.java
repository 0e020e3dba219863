package io.github.rediskeysmigrator.core;

/** Records keys that failed, for the user to inspect after the run. */
public interface ErrorSink {
  /** Records that {@code event} could not be migrated because of {@code reason}. */
  void keyFailed(KeyEvent event, String reason);

  /** Records that something other than a key (a function library) could not be migrated. */
  void otherFailed(String what, String reason);
}
