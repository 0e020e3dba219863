package io.github.rediskeysmigrator.core;

/** The little JSON writing the reports need, without a library. */
public final class Json {
  private Json() {}

  /** Appends {@code s} as a JSON string literal. */
  public static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /**
   * Appends {@code "name":value,} for a report: null, a quoted string, or a number or boolean as
   * Java prints it.
   */
  public static void field(StringBuilder sb, String name, Object value) {
    sb.append('"').append(name).append("\":");
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String s) {
      quote(sb, s);
    } else {
      sb.append(value);
    }
    sb.append(',');
  }
}
