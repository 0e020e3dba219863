package io.github.rediskeysmigrator.cli;

/** When the progress line shows on stderr ({@code --progress}). */
enum Progress {
  /** When stderr is a terminal. */
  AUTO,
  ALWAYS,
  NEVER;

  /** Whether the line shows, {@code terminal} saying whether stderr is one. */
  boolean shows(boolean terminal) {
    return this == ALWAYS || (this == AUTO && terminal);
  }

  /** Reads {@code auto}, {@code always} or {@code never}, in any case. */
  static final class Converter extends Choice<Progress> {
    Converter() {
      super(Progress.class, "--progress must be auto, always or never");
    }
  }
}
