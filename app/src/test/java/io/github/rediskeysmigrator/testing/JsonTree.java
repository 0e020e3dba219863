package io.github.rediskeysmigrator.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Walks a JSON document as the tool's JSON reader returns it (maps, lists, BigDecimal numbers),
 * failing with the node that is not of the expected kind.
 */
public final class JsonTree {
  private JsonTree() {}

  /** {@code node} as a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object node) {
    return assertInstanceOf(Map.class, node, "a JSON object expected");
  }

  /** {@code node} as a JSON array. */
  @SuppressWarnings("unchecked")
  public static List<Object> list(Object node) {
    return assertInstanceOf(List.class, node, "a JSON array expected");
  }

  /** {@code node} as a whole number. */
  public static long num(Object node) {
    return assertInstanceOf(BigDecimal.class, node, "a JSON number expected").longValueExact();
  }

  /** The object {@code node}, every value a whole number, sorted by name. */
  public static Map<String, Long> longs(Object node) {
    Map<String, Long> out = new TreeMap<>();
    map(node).forEach((k, v) -> out.put(k, num(v)));
    return out;
  }
}
