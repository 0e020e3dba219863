package io.github.rediskeysmigrator.conformance;

import io.github.rediskeysmigrator.core.JsonText;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a destination's canonical JSON with the corpus' expected JSON, in the two forms the
 * corpus uses: {@code rdb-corpus-expected/1} for public files and format 1 for generated fixtures.
 * The second follows {@code generate/compare-expected.py}: keys and hash fields whose expiry has
 * passed are dropped from both sides first, and expiries taken with PTTL (servers before 7.0) may
 * differ by 5 s. A fixture restored into a newer server than the one that wrote it is compared on
 * what the older server reported: the encoding may change on RESTORE (ziplist becomes listpack) and
 * newer servers report more stream metadata.
 */
final class ExpectedContent {
  private static final long INEXACT_TOLERANCE_MS = 5000;
  private static final int MAX_REPORTED = 8;

  private ExpectedContent() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> read(Path file) throws IOException {
    return (Map<String, Object>) JsonText.parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Differences between a public file's expected content and the destination's. */
  static List<String> comparePublic(Map<String, Object> expected, Map<String, Object> actual) {
    List<String> diffs = new ArrayList<>();
    if (!Objects.equals(expected.get("format"), actual.get("format"))) {
      diffs.add("format differs");
    }
    compareKeys(
        byKey(expected), byKey(actual), diffs, (id, e, a) -> fieldDifferences(id, e, a, false));
    return limit(diffs);
  }

  /**
   * Differences between a fixture's expected content and the destination's, as of {@code nowMs}.
   */
  static List<String> compareGenerated(
      Map<String, Object> expected, Map<String, Object> actual, long nowMs) {
    List<String> diffs = new ArrayList<>();
    boolean sameServer = Objects.equals(expected.get("server"), actual.get("server"));
    if (!Objects.equals(expected.get("format"), actual.get("format"))) {
      diffs.add("format differs");
    }
    Object fe = expected.get("functions");
    Object fa = actual.get("functions");
    // A server without FUNCTION (before 7.0) reports null; a newer destination reports its list.
    if ((fe != null || sameServer) && !Objects.equals(fe, fa)) {
      diffs.add("functions differ: expected " + render(fe) + ", got " + render(fa));
    }
    compareKeys(
        withoutExpired(expected, nowMs),
        withoutExpired(actual, nowMs),
        diffs,
        (id, e, a) -> generatedDifferences(id, e, a, sameServer));
    return limit(diffs);
  }

  /**
   * Differences between a fixture's expected content and an <em>older</em> destination's, the
   * fixture's keys rewritten as plain commands, as of {@code nowMs}. Keys named in {@code leftOut}
   * ({@code db=N key=K} ids) are not expected at the destination. The older server reports less (no
   * stream counters before 7.0, its own encodings and score formatting: 7.0 prints 0.1 as
   * 0.10000000000000001), so what it reports must be in the expected entry, scores compared as
   * numbers.
   */
  static List<String> compareOnOlderServer(
      Map<String, Object> expected, Map<String, Object> actual, long nowMs, Set<String> leftOut) {
    List<String> diffs = new ArrayList<>();
    Map<String, Map<String, Object>> want = withoutExpired(expected, nowMs);
    want.keySet().removeAll(leftOut);
    compareKeys(
        want,
        withoutExpired(actual, nowMs),
        diffs,
        (id, e, a) -> {
          Map<String, Object> x = portable(e);
          Map<String, Object> y = portable(a);
          Long ex = millis(x.get("expire_at_ms"));
          Long ey = millis(y.get("expire_at_ms"));
          if (Boolean.FALSE.equals(a.get("expire_at_exact"))
              && ex != null
              && ey != null
              && Math.abs(ex - ey) <= INEXACT_TOLERANCE_MS) {
            x.remove("expire_at_ms");
            y.remove("expire_at_ms");
          }
          return contains(y, x)
              ? List.of()
              : List.of(id + ": expected " + render(x) + ", got " + render(y));
        });
    return limit(diffs);
  }

  /** The id ({@code db=N key=K}) of each key of a fixture that has hash field expiries. */
  @SuppressWarnings("unchecked")
  static Set<String> keysWithFieldExpiry(Map<String, Object> doc) {
    Set<String> ids = new TreeSet<>();
    for (Map<String, Object> e : entries(doc)) {
      List<Object> ttl = (List<Object>) e.get("field_expire_at_ms");
      if (ttl != null && !ttl.isEmpty()) {
        ids.add(id(e));
      }
    }
    return ids;
  }

  /** An entry without encoding and exactness, with zset scores as numbers. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> portable(Map<String, Object> e) {
    Map<String, Object> m = new LinkedHashMap<>(e);
    m.remove("encoding");
    m.remove("expire_at_exact");
    if ("zset".equals(m.get("type")) && m.get("value") instanceof List<?> members) {
      List<Object> out = new ArrayList<>();
      for (Object pair : members) {
        List<Object> p = (List<Object>) pair;
        String score = String.valueOf(p.get(1));
        double d =
            switch (score) {
              case "inf", "+inf" -> Double.POSITIVE_INFINITY;
              case "-inf" -> Double.NEGATIVE_INFINITY;
              default -> Double.parseDouble(score);
            };
        out.add(List.of(p.get(0), d));
      }
      m.put("value", out);
    }
    return m;
  }

  /** Keys whose own expiry is at or before {@code atMs}: the ones to skip as expired. */
  static int expiredKeys(Map<String, Object> generated, long atMs) {
    int n = 0;
    for (Map<String, Object> e : entries(generated)) {
      Long at = millis(e.get("expire_at_ms"));
      if (at != null && at <= atMs) {
        n++;
      }
    }
    return n;
  }

  /**
   * Keys without an expiry of their own whose every hash field has expired at {@code atMs}: the
   * destination drops such a key when it is restored, and a reader may as well skip it.
   */
  static int keysWithAllFieldsExpired(Map<String, Object> generated, long atMs) {
    int n = 0;
    for (Map<String, Object> e : entries(generated)) {
      Long at = millis(e.get("expire_at_ms"));
      if ((at == null || at > atMs) && dropExpiredFields(e, atMs) == null) {
        n++;
      }
    }
    return n;
  }

  // ------------------------------------------------------------------------------------------

  /** How the two entries of one key are compared. */
  private interface EntryCheck {
    /** The differences between the expected and the actual entry of key {@code id}. */
    List<String> differences(String id, Map<String, Object> expected, Map<String, Object> actual);
  }

  private static void compareKeys(
      Map<String, Map<String, Object>> expected,
      Map<String, Map<String, Object>> actual,
      List<String> diffs,
      EntryCheck check) {
    for (String k : expected.keySet()) {
      if (!actual.containsKey(k)) {
        diffs.add("missing " + k);
      }
    }
    for (String k : actual.keySet()) {
      if (!expected.containsKey(k)) {
        diffs.add("unexpected " + k);
      }
    }
    for (Map.Entry<String, Map<String, Object>> e : expected.entrySet()) {
      Map<String, Object> a = actual.get(e.getKey());
      if (a != null) {
        diffs.addAll(check.differences(e.getKey(), e.getValue(), a));
      }
    }
  }

  /** Field by field: equal, or (with {@code subset}) everything expected is there. */
  private static List<String> fieldDifferences(
      String id, Map<String, Object> expected, Map<String, Object> actual, boolean subset) {
    List<String> diffs = new ArrayList<>();
    Set<String> fields = new TreeSet<>(expected.keySet());
    if (!subset) {
      fields.addAll(actual.keySet());
    }
    for (String field : fields) {
      Object x = expected.get(field);
      Object y = actual.get(field);
      if (subset ? !contains(x, y) : !Objects.equals(x, y)) {
        diffs.add(id + " field " + field + ": expected " + render(x) + ", got " + render(y));
      }
    }
    return diffs;
  }

  private static List<String> generatedDifferences(
      String id, Map<String, Object> e, Map<String, Object> a, boolean sameServer) {
    Map<String, Object> x = new LinkedHashMap<>(e);
    Map<String, Object> y = new LinkedHashMap<>(a);
    boolean inexact =
        Boolean.FALSE.equals(x.get("expire_at_exact"))
            || Boolean.FALSE.equals(y.get("expire_at_exact"));
    Long ex = millis(x.get("expire_at_ms"));
    Long ey = millis(y.get("expire_at_ms"));
    if (inexact && ex != null && ey != null && Math.abs(ex - ey) <= INEXACT_TOLERANCE_MS) {
      x.remove("expire_at_ms");
      y.remove("expire_at_ms");
    }
    if (!sameServer) {
      // Restored into a newer server: the encoding is that server's choice, expiries are exact.
      for (String f : List.of("encoding", "expire_at_exact")) {
        x.remove(f);
        y.remove(f);
      }
    }
    return fieldDifferences(id, x, y, !sameServer);
  }

  /** Whether {@code actual} holds everything {@code expected} has (objects may have more). */
  @SuppressWarnings("unchecked")
  private static boolean contains(Object expected, Object actual) {
    if (expected instanceof Map<?, ?> me && actual instanceof Map<?, ?> ma) {
      for (Map.Entry<?, ?> e : me.entrySet()) {
        if (!ma.containsKey(e.getKey()) || !contains(e.getValue(), ma.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (expected instanceof List<?> le && actual instanceof List<?> la) {
      if (le.size() != la.size()) {
        return false;
      }
      for (int i = 0; i < le.size(); i++) {
        if (!contains(le.get(i), la.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(expected, actual);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> entries(Map<String, Object> doc) {
    return (List<Map<String, Object>>) doc.get("keys");
  }

  private static Map<String, Map<String, Object>> byKey(Map<String, Object> doc) {
    Map<String, Map<String, Object>> m = new TreeMap<>();
    for (Map<String, Object> e : entries(doc)) {
      m.put(id(e), e);
    }
    return m;
  }

  private static Map<String, Map<String, Object>> withoutExpired(
      Map<String, Object> doc, long nowMs) {
    Map<String, Map<String, Object>> m = new TreeMap<>();
    for (Map<String, Object> e : entries(doc)) {
      Long at = millis(e.get("expire_at_ms"));
      if (at != null && at <= nowMs) {
        continue;
      }
      Map<String, Object> kept = dropExpiredFields(e, nowMs);
      // A hash whose fields have all expired reads as empty until the server reclaims it.
      if (kept != null && !(kept.get("value") instanceof List<?> l && l.isEmpty())) {
        m.put(id(e), kept);
      }
    }
    return m;
  }

  /**
   * The entry without its hash fields whose expiry has passed, or null when that leaves an empty
   * hash (the key is gone).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> dropExpiredFields(Map<String, Object> e, long nowMs) {
    List<List<Object>> ttl = (List<List<Object>>) e.get("field_expire_at_ms");
    if (ttl == null || ttl.isEmpty()) {
      return e;
    }
    Set<Object> gone = new HashSet<>();
    List<List<Object>> left = new ArrayList<>();
    for (List<Object> ft : ttl) {
      if (millis(ft.get(1)) <= nowMs) {
        gone.add(ft.get(0));
      } else {
        left.add(ft);
      }
    }
    if (gone.isEmpty()) {
      return e;
    }
    Map<String, Object> copy = new LinkedHashMap<>(e);
    if (left.isEmpty()) {
      copy.remove("field_expire_at_ms");
    } else {
      copy.put("field_expire_at_ms", left);
    }
    if (copy.get("value") instanceof List<?> fields) {
      List<Object> kept = new ArrayList<>();
      for (Object fv : fields) {
        if (!gone.contains(((List<Object>) fv).get(0))) {
          kept.add(fv);
        }
      }
      if (kept.isEmpty()) {
        return null;
      }
      copy.put("value", kept);
    }
    return copy;
  }

  private static String id(Map<String, Object> e) {
    return "db=" + render(e.get("db")) + " key=" + render(e.get("key"));
  }

  private static Long millis(Object v) {
    return v instanceof BigDecimal b ? b.longValueExact() : null;
  }

  private static List<String> limit(List<String> diffs) {
    if (diffs.size() <= MAX_REPORTED) {
      return diffs;
    }
    List<String> out = new ArrayList<>(diffs.subList(0, MAX_REPORTED));
    out.add("... and " + (diffs.size() - MAX_REPORTED) + " more differences");
    return out;
  }

  /** Compact JSON-like text of a parsed value, cut at 200 characters, for messages. */
  static String render(Object v) {
    StringBuilder sb = new StringBuilder();
    render(v, sb);
    return sb.length() > 200 ? sb.substring(0, 200) + "..." : sb.toString();
  }

  private static void render(Object v, StringBuilder sb) {
    if (sb.length() > 200) {
      return;
    }
    if (v instanceof Map<?, ?> m) {
      sb.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(sep).append('"').append(e.getKey()).append("\":");
        render(e.getValue(), sb);
        sep = ",";
      }
      sb.append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      String sep = "";
      for (Object o : l) {
        sb.append(sep);
        render(o, sb);
        sep = ",";
      }
      sb.append(']');
    } else if (v instanceof String s) {
      sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    } else {
      sb.append(v);
    }
  }
}
