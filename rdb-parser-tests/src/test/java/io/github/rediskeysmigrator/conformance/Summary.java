package io.github.rediskeysmigrator.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The per-source, per-version table printed after the conformance run. */
final class Summary {
  /** One row's counts. */
  private static final class Row {
    int files;
    int passed;
    int contentChecked;
    int knownGap;
    int failed;

    void add(Row o) {
      files += o.files;
      passed += o.passed;
      contentChecked += o.contentChecked;
      knownGap += o.knownGap;
      failed += o.failed;
    }
  }

  private final Map<String, Row> rows = new TreeMap<>(Summary::groupOrder);
  private final List<String> failures = new ArrayList<>();
  private final List<String> gaps = new ArrayList<>();
  private long millis;
  private final TreeMap<Long, String> slowest = new TreeMap<>();

  /**
   * Books one file: passed, known gap (listed and still failing) or failed (not listed and failing,
   * or listed but passing).
   */
  synchronized void add(CorpusFile f, FileCheck.Verdict v, String gapReason, long tookMs) {
    Row row = rows.computeIfAbsent(f.group(), g -> new Row());
    row.files++;
    millis += tookMs;
    slowest.put(tookMs * 1000 + slowest.size() % 1000, f.id());
    if (slowest.size() > 3) {
      slowest.pollFirstEntry();
    }
    if (gapReason == null && v.passed()) {
      row.passed++;
      if (v.contentChecked()) {
        row.contentChecked++;
      }
    } else if (gapReason != null && !v.passed()) {
      row.knownGap++;
      gaps.add(f.id() + ": " + v.problems().get(0));
    } else {
      row.failed++;
      failures.add(
          f.id()
              + ": "
              + (v.passed()
                  ? "passes but is listed in known-gaps.tsv"
                  : String.join("; ", v.problems())));
    }
  }

  synchronized String table() {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-40s %6s %7s %9s %10s %7s%n";
    sb.append(
        String.format(
            Locale.ROOT,
            "%nRDB corpus conformance (../shared/rdb-corpus), %.1f s in the tool and checks%n",
            millis / 1000.0));
    sb.append(
        String.format(
            Locale.ROOT,
            fmt,
            "source / version",
            "files",
            "passed",
            "(content)",
            "known gap",
            "failed"));
    Row total = new Row();
    for (Map.Entry<String, Row> e : rows.entrySet()) {
      Row r = e.getValue();
      total.add(r);
      line(sb, fmt, e.getKey(), r);
    }
    line(sb, fmt, "total", total);
    sb.append("(content) = passed files whose destination was compared with expected content\n");
    sb.append("slowest:");
    slowest
        .descendingMap()
        .forEach(
            (ms, id) ->
                sb.append(String.format(Locale.ROOT, " %s %.1f s", id, ms / 1000 / 1000.0)));
    sb.append('\n');
    if (!gaps.isEmpty()) {
      sb.append("\nknown gaps (still failing, as listed):\n");
      gaps.forEach(g -> sb.append("  ").append(g).append('\n'));
    }
    if (!failures.isEmpty()) {
      sb.append("\nFAILED:\n");
      failures.forEach(g -> sb.append("  ").append(g).append('\n'));
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String fmt, String name, Row r) {
    sb.append(
        String.format(
            Locale.ROOT, fmt, name, r.files, r.passed, r.contentChecked, r.knownGap, r.failed));
  }

  /** Public rows first, then generated fixtures; each in name order. */
  private static int groupOrder(String a, String b) {
    boolean pa = a.startsWith("public");
    boolean pb = b.startsWith("public");
    return pa != pb ? (pa ? -1 : 1) : a.compareTo(b);
  }
}
