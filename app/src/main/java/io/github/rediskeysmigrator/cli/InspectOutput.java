package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.inspect.AofDescription;
import io.github.rediskeysmigrator.inspect.Description;
import io.github.rediskeysmigrator.inspect.RdbDescription;
import io.github.rediskeysmigrator.rdb.KeyInventory;
import io.github.rediskeysmigrator.rdb.RdbChecksum;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Renders what {@code inspect} found, as text for people or as one JSON object. */
final class InspectOutput {
  private static final String INDENT = "  ";
  private static final int LABEL_WIDTH = 15;

  private InspectOutput() {}

  /** The text of the RDB files and AOFs, in the order given, a blank line between two. */
  static String text(long nowMs, List<Description> described) {
    StringBuilder sb = new StringBuilder();
    for (Description d : described) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      if (d instanceof AofDescription a) {
        InspectAofOutput.text(sb, nowMs, a);
      } else {
        RdbDescription f = (RdbDescription) d;
        sb.append(f.header().file()).append(" (").append(f.sizeBytes()).append(" bytes)\n");
        rdbText(sb, nowMs, f);
      }
    }
    return sb.toString();
  }

  /** The lines describing one RDB (after the line naming its file). */
  static void rdbText(StringBuilder sb, long nowMs, RdbDescription f) {
    line(sb, "magic", f.header().magic());
    line(sb, "rdb version", String.valueOf(f.header().version()));
    if (f.aux().isEmpty()) {
      line(sb, "aux", "none");
    } else {
      String label = "aux";
      for (Map.Entry<String, String> e : f.aux().entrySet()) {
        line(sb, label, e.getKey() + " = " + e.getValue());
        label = "";
      }
    }
    line(sb, "checksum", checksumText(f.checksum()));
    KeyInventory.Counts total = f.keys().total();
    line(sb, "keys", String.valueOf(total.keys()));
    line(sb, "with expiry", String.valueOf(total.withExpiry()));
    line(sb, "expired", total.expired() + " (at " + Instant.ofEpochMilli(nowMs) + ")");
    line(sb, "types", typesText(total.types()));
    String label = "per db";
    for (Map.Entry<Integer, KeyInventory.Counts> e : f.keys().perDb().entrySet()) {
      KeyInventory.Counts c = e.getValue();
      line(
          sb,
          label,
          String.format(
              Locale.ROOT,
              "db %d: %d keys (%s), %d with expiry, %d expired",
              e.getKey(),
              c.keys(),
              typesText(c.types()),
              c.withExpiry(),
              c.expired()));
      label = "";
    }
    List<KeyInventory.BigKey> biggest = f.keys().biggest();
    if (biggest.isEmpty()) {
      line(sb, "biggest keys", "none");
    } else {
      line(sb, "biggest keys", "bytes (DUMP payload), db, type, key");
      for (KeyInventory.BigKey k : biggest) {
        line(
            sb,
            "",
            String.format(
                Locale.ROOT,
                "%10d  db %-3d %-7s \"%s\"",
                k.size(),
                k.db(),
                k.type().redisName(),
                KeyNames.printable(k.key())));
      }
    }
    if (f.keys().idmpStreams() > 0) {
      line(
          sb,
          "IDMP streams",
          f.keys().idmpStreams()
              + " with idempotent-producer state (Redis 8.6), kept only by an RDB 13"
              + " destination");
    }
    Map<String, Long> modules = f.keys().moduleTypes();
    if (modules.isEmpty()) {
      line(sb, "module types", "none");
    } else {
      StringJoiner j = new StringJoiner(", ");
      modules.forEach((name, n) -> j.add(name + " " + n));
      line(sb, "module types", j.toString());
    }
    String fn = f.functions() + (f.functions() == 1 ? " library" : " libraries");
    if (!f.libraryNames().isEmpty()) {
      fn += ": " + String.join(", ", f.libraryNames());
    }
    line(sb, "functions", fn);
  }

  /**
   * One JSON object: the RDB files under {@code files}, in order, and the AOFs under {@code aofs}
   * when there are any.
   */
  static String json(long nowMs, List<Description> described) {
    List<Map<String, Object>> files = new ArrayList<>();
    List<Map<String, Object>> aofs = new ArrayList<>();
    for (Description d : described) {
      if (d instanceof AofDescription a) {
        aofs.add(InspectAofOutput.json(a));
      } else {
        files.add(rdbJson((RdbDescription) d));
      }
    }
    Map<String, Object> top = new LinkedHashMap<>();
    top.put("now_ms", nowMs);
    top.put("files", files);
    if (!aofs.isEmpty()) {
      top.put("aofs", aofs);
    }
    return JsonText.write(top) + "\n";
  }

  /** The JSON object of one RDB. */
  static Map<String, Object> rdbJson(RdbDescription f) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("file", f.header().file().toString());
    file.put("size_bytes", f.sizeBytes());
    file.put("magic", f.header().magic());
    file.put("rdb_version", f.header().version());
    file.put("aux", f.aux());
    file.put("checksum", f.checksum().name().toLowerCase(Locale.ROOT));
    file.putAll(countsJson(f.keys().total()));
    Map<String, Object> dbs = new LinkedHashMap<>();
    for (Map.Entry<Integer, KeyInventory.Counts> e : f.keys().perDb().entrySet()) {
      dbs.put(String.valueOf(e.getKey()), countsJson(e.getValue()));
    }
    file.put("dbs", dbs);
    List<Map<String, Object>> biggest = new ArrayList<>();
    for (KeyInventory.BigKey k : f.keys().biggest()) {
      Map<String, Object> key = new LinkedHashMap<>();
      key.put("db", k.db());
      key.put("key", KeyNames.printable(k.key()));
      key.put("type", k.type().redisName());
      key.put("size", k.size());
      biggest.add(key);
    }
    file.put("biggest_keys", biggest);
    file.put("idmp_streams", f.keys().idmpStreams());
    file.put("module_types", f.keys().moduleTypes());
    Map<String, Object> functions = new LinkedHashMap<>();
    functions.put("count", f.functions());
    functions.put("libraries", f.libraryNames());
    file.put("functions", functions);
    return file;
  }

  private static Map<String, Object> countsJson(KeyInventory.Counts c) {
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("keys", c.keys());
    counts.put("with_expiry", c.withExpiry());
    counts.put("expired", c.expired());
    Map<String, Object> types = new LinkedHashMap<>();
    for (KeyType t : KeyType.values()) {
      types.put(t.redisName(), c.types().getOrDefault(t, 0L));
    }
    counts.put("types", types);
    return counts;
  }

  private static String checksumText(RdbChecksum.Result r) {
    return switch (r) {
      case VERIFIED -> "verified (CRC64 matches)";
      case ABSENT -> "absent (the file carries no checksum; it cannot be verified)";
    };
  }

  private static String typesText(Map<KeyType, Long> types) {
    if (types.isEmpty()) {
      return "none";
    }
    StringJoiner j = new StringJoiner(", ");
    for (KeyType t : KeyType.values()) {
      Long n = types.get(t);
      if (n != null) {
        j.add(t.redisName() + " " + n);
      }
    }
    return j.toString();
  }

  static void line(StringBuilder sb, String label, String value) {
    sb.append(INDENT);
    sb.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s", label));
    sb.append(value).append('\n');
  }
}
