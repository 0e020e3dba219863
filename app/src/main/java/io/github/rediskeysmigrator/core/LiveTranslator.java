package io.github.rediskeysmigrator.core;

/**
 * Turns a live command the source propagated into what the destination can apply: the command
 * itself, another command with the same effect, nothing (the command has no effect there), or a
 * refusal saying why. The sink's implementation knows the destination's version.
 */
@FunctionalInterface
public interface LiveTranslator {
  /** The translation of {@code argv} (keys already renamed). */
  Translation translate(byte[][] argv);

  /** Every command as it is (no destination known: a dry run, a scan). */
  LiveTranslator AS_IS = Translation::apply;

  /**
   * What to do with one live command.
   *
   * @param argv the command to send, or null when nothing is sent
   * @param reason why nothing is sent (applied as a no-op, or refused)
   * @param refused whether the command is refused (one error line) rather than a no-op
   * @param unsupportedType the data type the destination cannot hold (e.g. {@code vectorset}),
   *     counted per type in the report, or null
   */
  record Translation(byte[][] argv, String reason, boolean refused, String unsupportedType) {
    /** Sends {@code argv} (the command itself or its replacement). */
    public static Translation apply(byte[][] argv) {
      return new Translation(argv, null, false, null);
    }

    /** Nothing to send: the command has no effect at the destination ({@code why}). */
    public static Translation nothing(String why) {
      return new Translation(null, why, false, null);
    }

    /** Refused with one error line. */
    public static Translation refuse(String reason) {
      return new Translation(null, reason, true, null);
    }

    /** Refused because the destination cannot hold {@code type} at all. */
    public static Translation unsupportedType(String type, String reason) {
      return new Translation(null, reason, true, type);
    }
  }
}
