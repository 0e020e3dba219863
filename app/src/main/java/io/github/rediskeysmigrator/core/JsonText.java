package io.github.rediskeysmigrator.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON text in and out, through jackson-jr: writes maps (in their order), lists, strings, numbers,
 * booleans and nulls compactly; reads a document into ordered maps and lists with every number a
 * BigDecimal, and refuses malformed text, duplicate names and trailing content with one line.
 */
public final class JsonText {
  // Immutable and thread-safe once built: jackson-jr's configuration, not state.
  private static final JSON JSON_ =
      JSON.builder(
              JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .enable(
              JSON.Feature.WRITE_NULL_PROPERTIES,
              JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS,
              JSON.Feature.FAIL_ON_UNKNOWN_TYPE_WRITE)
          // Plain data only: no reflection over beans, so a stray object fails to write.
          .disable(JSON.Feature.HANDLE_JAVA_BEANS, JSON.Feature.FLUSH_AFTER_WRITE_VALUE)
          .build();

  private JsonText() {}

  /**
   * The compact JSON text of {@code value}: a Map (written in its iteration order, keys as
   * strings), List, String, Number, Boolean or null, nested as deep as needed.
   *
   * @throws IllegalArgumentException for a value of another type
   */
  public static String write(Object value) {
    try {
      return JSON_.asString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + oneLine(e), e);
    } catch (IOException e) {
      // Only a Writer over a String is written to: it has no I/O to fail.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses one JSON value surrounded by optional whitespace: objects become maps in their order,
   * arrays lists, numbers BigDecimal.
   *
   * @throws IllegalArgumentException for malformed JSON, a duplicate name in an object, or anything
   *     after the value; the message is one line saying what and where
   */
  public static Object parse(String json) {
    try (JsonParser p = JSON_.getStreamingFactory().createParser(json)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException("no JSON value, the text is empty or only white space");
      }
      Object value = JSON_.anyFrom(p);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("trailing content" + where(p.currentTokenLocation()));
      }
      return normalised(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(oneLine(e), e);
    } catch (IOException e) {
      // Only a String is read: it has no I/O to fail.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses a JSON object.
   *
   * @throws IllegalArgumentException as {@link #parse}, or when the value is not an object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(String json) {
    Object value = parse(json);
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return (Map<String, Object>) value;
  }

  /** Whether a parsed JSON number is a whole number that fits a long (a count). */
  public static boolean isWholeLong(BigDecimal n) {
    try {
      n.longValueExact();
      return true;
    } catch (ArithmeticException e) {
      // A fraction, or beyond a long: not a count.
      return false;
    }
  }

  /**
   * A rate or other measure for a report, rounded half up to one decimal and written in full, never
   * with an exponent (243902.4, 0.0).
   *
   * @throws NumberFormatException for NaN or an infinity
   */
  public static BigDecimal oneDecimal(double value) {
    return new BigDecimal(String.format(Locale.ROOT, "%.1f", value));
  }

  /** jackson-jr's whole numbers (Integer, Long, BigInteger) as BigDecimal, like its fractions. */
  private static Object normalised(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put((String) k, normalised(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(normalised(v)));
      return copy;
    }
    if (value instanceof Integer || value instanceof Long) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger big) {
      return new BigDecimal(big);
    }
    return value;
  }

  /** Jackson's message on one line, its inner locations shortened, then line and column. */
  private static String oneLine(JsonProcessingException e) {
    String what =
        e.getOriginalMessage()
            .replaceAll("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)]", "line $1, column $2")
            .replaceAll("\\s*\\R\\s*", " ")
            .strip();
    return what + where(e.getLocation());
  }

  private static String where(JsonLocation at) {
    if (at == null || at == JsonLocation.NA) {
      return "";
    }
    return " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }
}
