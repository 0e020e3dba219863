package io.github.rediskeysmigrator.cli;

/** What {@code sync} does when its source can no longer continue from the checkpoint. */
enum FullResync {
  /** Stop with exit 7. */
  STOP,
  /** Copy the snapshot again under --existing. */
  RESTART;

  /** Reads {@code stop} or {@code restart}, in any case. */
  static final class Converter extends Choice<FullResync> {
    Converter() {
      super(FullResync.class, "--on-full-resync must be stop or restart");
    }
  }
}
