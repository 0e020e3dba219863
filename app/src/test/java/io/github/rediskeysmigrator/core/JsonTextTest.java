package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks what {@link JsonText} writes and what it accepts and refuses when reading. */
class JsonTextTest {

  private static Map<String, Object> ordered(Object... nameValue) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], nameValue[i + 1]);
    }
    return m;
  }

  @Test
  void writesMapsInTheirOrderCompactlyWithNulls() {
    Map<String, Object> m =
        ordered(
            "z",
            "text",
            "a",
            12L,
            "m",
            3,
            "rate",
            new BigDecimal("243902.4"),
            "dry_run",
            false,
            "stop_reason",
            null,
            "list",
            List.of("x", 1L),
            "nested",
            ordered("k", true));
    assertEquals(
        "{\"z\":\"text\",\"a\":12,\"m\":3,\"rate\":243902.4,\"dry_run\":false,\"stop_reason\":null,"
            + "\"list\":[\"x\",1],\"nested\":{\"k\":true}}",
        JsonText.write(m));
  }

  @Test
  void largeCountsAndRatesAreWrittenInFull() {
    assertEquals(
        "[9223372036854775807,100000000000000000000.0,0.0]",
        JsonText.write(
            List.of(
                Long.MAX_VALUE, new BigDecimal("100000000000000000000.0"), new BigDecimal("0.0"))));
  }

  @Test
  void quoteBackslashAndControlCharactersAreEscaped() {
    assertEquals("\"a\\\"b\\\\c\"", JsonText.write("a\"b\\c"));
    assertEquals("\"\\n\\r\\t\"", JsonText.write("\n\r\t"));
    String controls = JsonText.write("\u0000\u0001\u001f");
    assertEquals("\"\\u0000\\u0001\\u001f\"", controls.toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void nonAsciiSlashAndDeletePassThroughUnescaped() {
    String text = "\u00e9\u4e2d\uD83D\uDE00\u007f/";
    assertEquals("\"" + text + "\"", JsonText.write(text));
  }

  @Test
  void everyCharacterBelow256RoundTrips() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 256; c++) {
      all.append(c);
    }
    String text = all.toString();
    assertEquals(text, JsonText.parse(JsonText.write(text)));
  }

  @Test
  void aWrittenReportReadsBackTheSame() {
    Map<String, Object> m =
        ordered(
            "command",
            "rdb",
            "source",
            "a\\x00b",
            "read",
            new BigDecimal(7),
            "keys_per_second",
            new BigDecimal("2.5"),
            "dry_run",
            true,
            "stop_reason",
            null,
            "inputs",
            List.of(ordered("file", "r.json", "exit_code", new BigDecimal(0))));
    Map<String, Object> back = JsonText.object(JsonText.write(m));
    assertEquals(m, back);
    assertEquals(new ArrayList<>(m.keySet()), new ArrayList<>(back.keySet()));
  }

  @Test
  void everyNumberReadsAsBigDecimal() {
    assertEquals(
        Arrays.asList(
            new BigDecimal(0),
            new BigDecimal(-5),
            new BigDecimal(Long.MAX_VALUE),
            new BigDecimal("123456789012345678901234567890"),
            new BigDecimal("1.5"),
            new BigDecimal("1E+3"),
            new BigDecimal("-2.50E-1")),
        JsonText.parse(
            " [0, -5, 9223372036854775807, 123456789012345678901234567890, 1.5, 1e3, -2.50E-1] "));
  }

  @Test
  void literalsAndEmptyContainers() {
    assertEquals(
        Arrays.asList(true, false, null, List.of(), Map.of(), ""),
        JsonText.parse("[true,false,null,[],{},\"\"]"));
    assertEquals("\u00e9/\b\f\u2028", JsonText.parse("\"\\u00e9\\/\\b\\f\\u2028\""));
  }

  @Test
  void malformedTextIsRefusedOnOneLineSayingWhere() {
    for (String bad :
        List.of(
            "",
            "   ",
            "{\"read\":1",
            "{\"read\":1}}",
            "{\"read\":1} x",
            "{\"a\":1,\"a\":2}",
            "{\"n\":{\"a\":1,\"a\":2}}",
            "[1,]",
            "{\"a\":1,}",
            "[01]",
            "[NaN]",
            "[1.]",
            "['a']",
            "{a:1}",
            "[\"a\u0001\"]",
            "[\"\\x41\"]",
            "[\"\\u00\"]",
            "[1] // comment",
            "[tru]",
            "\"open")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> JsonText.parse(bad), bad);
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      assertFalse(e.getMessage().isBlank(), bad);
    }
    String truncated =
        assertThrows(IllegalArgumentException.class, () -> JsonText.parse("{\"read\":1"))
            .getMessage();
    assertTrue(truncated.endsWith(" at line 1, column 10"), truncated);
    String trailing =
        assertThrows(IllegalArgumentException.class, () -> JsonText.parse("{}\n [2]")).getMessage();
    assertEquals("trailing content at line 2, column 2", trailing);
    String duplicate =
        assertThrows(IllegalArgumentException.class, () -> JsonText.parse("{\"a\":1,\"a\":2}"))
            .getMessage();
    assertTrue(duplicate.contains("'a'"), duplicate);
  }

  @Test
  void objectRefusesOtherValues() {
    assertEquals(
        "not a JSON object",
        assertThrows(IllegalArgumentException.class, () -> JsonText.object("[1]")).getMessage());
    assertEquals(Map.of("a", new BigDecimal(1)), JsonText.object("{\"a\":1}"));
  }

  @Test
  void valuesOfOtherTypesAreNotWritten() {
    assertThrows(IllegalArgumentException.class, () -> JsonText.write(new Object()));
  }
}
