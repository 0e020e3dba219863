package io.github.rediskeysmigrator.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict little JSON parser (RFC 8259) for the reports the tool reads back ({@code report merge})
 * and for tests that check what the code writes: objects become maps in their order, numbers
 * BigDecimal; anything malformed throws IllegalArgumentException.
 */
public final class JsonReader {
  private final String s;
  private int i;

  private JsonReader(String s) {
    this.s = s;
  }

  /** Parses one JSON value surrounded by optional whitespace. */
  public static Object parse(String json) {
    JsonReader r = new JsonReader(json);
    r.space();
    Object value = r.value();
    r.space();
    if (r.i != json.length()) {
      throw r.error("trailing characters");
    }
    return value;
  }

  /** Parses a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(String json) {
    Object value = parse(json);
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return (Map<String, Object>) value;
  }

  private Object value() {
    if (i >= s.length()) {
      throw error("value expected");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return objectValue();
      case '[':
        return arrayValue();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        return number();
    }
  }

  private Map<String, Object> objectValue() {
    Map<String, Object> map = new LinkedHashMap<>();
    i++;
    space();
    if (peek('}')) {
      i++;
      return map;
    }
    while (true) {
      space();
      if (!peek('"')) {
        throw error("name expected");
      }
      String name = string();
      if (map.containsKey(name)) {
        throw error("duplicate name " + name);
      }
      space();
      expect(':');
      space();
      map.put(name, value());
      space();
      if (peek(',')) {
        i++;
      } else {
        expect('}');
        return map;
      }
    }
  }

  private List<Object> arrayValue() {
    List<Object> list = new ArrayList<>();
    i++;
    space();
    if (peek(']')) {
      i++;
      return list;
    }
    while (true) {
      space();
      list.add(value());
      space();
      if (peek(',')) {
        i++;
      } else {
        expect(']');
        return list;
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (i >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(i++);
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("unescaped control character");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (i >= s.length()) {
        throw error("unterminated escape");
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (i + 4 > s.length()) {
            throw error("short \\u escape");
          }
          sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
        }
        default -> throw error("bad escape \\" + e);
      }
    }
  }

  private BigDecimal number() {
    int start = i;
    if (peek('-')) {
      i++;
    }
    if (peek('0')) {
      i++;
    } else if (digit()) {
      while (digit()) {
        i++;
      }
    } else {
      throw error("number expected");
    }
    if (peek('.')) {
      i++;
      requireDigits();
    }
    if (peek('e') || peek('E')) {
      i++;
      if (peek('+') || peek('-')) {
        i++;
      }
      requireDigits();
    }
    return new BigDecimal(s.substring(start, i));
  }

  private void requireDigits() {
    if (!digit()) {
      throw error("digit expected");
    }
    while (digit()) {
      i++;
    }
  }

  private boolean digit() {
    return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
  }

  private Object literal(String word, Object value) {
    if (!s.startsWith(word, i)) {
      throw error(word + " expected");
    }
    i += word.length();
    return value;
  }

  private void space() {
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
  }

  private boolean peek(char c) {
    return i < s.length() && s.charAt(i) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("'" + c + "' expected");
    }
    i++;
  }

  private IllegalArgumentException error(String what) {
    // A short excerpt, not the whole text: the message may reach a user about a big file.
    int from = Math.max(0, i - 20);
    int to = Math.min(s.length(), i + 20);
    return new IllegalArgumentException(
        what + " at offset " + i + " (near \"" + s.substring(from, to) + "\")");
  }
}
