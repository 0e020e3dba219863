package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks that {@link Json#quote} writes string literals any JSON parser reads back unchanged. */
class JsonTest {

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    Json.quote(sb, s);
    return sb.toString();
  }

  @Test
  void plainTextIsOnlyQuoted() {
    assertEquals("\"redis://host:6379/0\"", quote("redis://host:6379/0"));
    assertEquals("\"\"", quote(""));
  }

  @Test
  void quoteAndBackslashAreEscaped() {
    assertEquals("\"a\\\"b\\\\c\"", quote("a\"b\\c"));
  }

  @Test
  void commonControlCharactersUseShortEscapes() {
    assertEquals("\"\\n\\r\\t\"", quote("\n\r\t"));
  }

  @Test
  void otherControlCharactersUseUnicodeEscapes() {
    assertEquals("\"\\u0000\\u0001\\u001f\\u0008\\u000c\"", quote("\u0000\u0001\u001f\b\f"));
  }

  @Test
  void nonAsciiAndDeletePassThrough() {
    assertEquals(
        "\"\u00e9\u4e2d\uD83D\uDE00\u007f\u2028/\"",
        quote("\u00e9\u4e2d\uD83D\uDE00\u007f\u2028/"));
  }

  @Test
  void everyCharacterBelow256RoundTrips() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 256; c++) {
      all.append(c);
    }
    String text = all.toString();
    assertEquals(text, JsonReader.parse(quote(text)));
  }

  @Test
  void appendsToWhatIsAlreadyThere() {
    StringBuilder sb = new StringBuilder("[");
    Json.quote(sb, "a");
    sb.append(',');
    Json.quote(sb, "b\"");
    sb.append(']');
    assertEquals(List.of("a", "b\""), JsonReader.parse(sb.toString()));
  }
}
