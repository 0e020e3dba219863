package io.github.rediskeysmigrator.rdb;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a function library's name out of its FUNCTION DUMP payload (opcode, the library code as an
 * RDB string, RDB version, CRC64): the code's first line is {@code #!<engine> name=<library>}.
 */
public final class FunctionLibraryNames {
  private static final Pattern SHEBANG_NAME = Pattern.compile("^#!\\S+.*?\\bname=(\\S+)");

  private FunctionLibraryNames() {}

  /** The library name, or empty when the payload is not one we can read. */
  public static Optional<String> of(byte[] payload) {
    Optional<byte[]> code = code(payload);
    if (code.isEmpty()) {
      return Optional.empty();
    }
    String text = new String(code.get(), StandardCharsets.UTF_8);
    int eol = text.indexOf('\n');
    Matcher m = SHEBANG_NAME.matcher(eol < 0 ? text : text.substring(0, eol));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * The library's code (what FUNCTION LOAD takes), or empty when the payload is not one we can
   * read.
   */
  public static Optional<byte[]> code(byte[] payload) {
    if (payload == null || payload.length < 2 || (payload[0] & 0xff) != RdbTypes.OPCODE_FUNCTION2) {
      return Optional.empty();
    }
    try {
      return Optional.of(RdbReader.of(payload, 1, payload.length).string());
    } catch (PayloadDecoder.DecodeException | IndexOutOfBoundsException e) {
      return Optional.empty(); // not a library we can read: the caller says so in its own words
    }
  }
}
