package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.Json;
import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.rdb.KeyInventory;
import io.github.rediskeysmigrator.rdb.RdbChecksum;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Renders what {@code inspect} found, as text for people or as one JSON object. */
final class InspectOutput {
  private static final String INDENT = "  ";
  private static final int LABEL_WIDTH = 15;

  private InspectOutput() {}

  /**
   * What one file holds.
   *
   * @param header its checked header
   * @param sizeBytes its size on disk (compressed for .rdb.gz)
   * @param aux its AUX fields, in file order
   * @param checksum what the CRC64 check found
   * @param keys its keys, counted
   * @param functions function libraries in it
   * @param libraryNames the names of those libraries that could be read
   */
  record FileDescription(
      RdbHeader header,
      long sizeBytes,
      Map<String, String> aux,
      RdbChecksum.Result checksum,
      KeyInventory keys,
      int functions,
      List<String> libraryNames) {}

  static String text(long nowMs, List<FileDescription> files) {
    StringBuilder sb = new StringBuilder();
    for (FileDescription f : files) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(f.header().file()).append(" (").append(f.sizeBytes()).append(" bytes)\n");
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
    return sb.toString();
  }

  static String json(long nowMs, List<FileDescription> files) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"now_ms\":").append(nowMs).append(",\"files\":[");
    boolean first = true;
    for (FileDescription f : files) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append("{\"file\":");
      Json.quote(sb, f.header().file().toString());
      sb.append(",\"size_bytes\":").append(f.sizeBytes());
      sb.append(",\"magic\":\"").append(f.header().magic()).append("\"");
      sb.append(",\"rdb_version\":").append(f.header().version());
      sb.append(",\"aux\":{");
      boolean firstAux = true;
      for (Map.Entry<String, String> e : f.aux().entrySet()) {
        if (!firstAux) {
          sb.append(',');
        }
        firstAux = false;
        Json.quote(sb, e.getKey());
        sb.append(':');
        Json.quote(sb, e.getValue());
      }
      sb.append("},\"checksum\":\"").append(f.checksum().name().toLowerCase(Locale.ROOT));
      sb.append("\",");
      countsJson(sb, f.keys().total());
      sb.append(",\"dbs\":{");
      boolean firstDb = true;
      for (Map.Entry<Integer, KeyInventory.Counts> e : f.keys().perDb().entrySet()) {
        if (!firstDb) {
          sb.append(',');
        }
        firstDb = false;
        sb.append('"').append(e.getKey()).append("\":{");
        countsJson(sb, e.getValue());
        sb.append('}');
      }
      sb.append("},\"biggest_keys\":[");
      boolean firstKey = true;
      for (KeyInventory.BigKey k : f.keys().biggest()) {
        if (!firstKey) {
          sb.append(',');
        }
        firstKey = false;
        sb.append("{\"db\":").append(k.db()).append(",\"key\":");
        Json.quote(sb, KeyNames.printable(k.key()));
        sb.append(",\"type\":\"").append(k.type().redisName());
        sb.append("\",\"size\":").append(k.size()).append('}');
      }
      sb.append("],\"idmp_streams\":").append(f.keys().idmpStreams());
      sb.append(",\"module_types\":{");
      boolean firstModule = true;
      for (Map.Entry<String, Long> e : f.keys().moduleTypes().entrySet()) {
        if (!firstModule) {
          sb.append(',');
        }
        firstModule = false;
        Json.quote(sb, e.getKey());
        sb.append(':').append(e.getValue());
      }
      sb.append("},\"functions\":{\"count\":").append(f.functions()).append(",\"libraries\":[");
      for (int i = 0; i < f.libraryNames().size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        Json.quote(sb, f.libraryNames().get(i));
      }
      sb.append("]}}");
    }
    sb.append("]}\n");
    return sb.toString();
  }

  private static void countsJson(StringBuilder sb, KeyInventory.Counts c) {
    sb.append("\"keys\":").append(c.keys());
    sb.append(",\"with_expiry\":").append(c.withExpiry());
    sb.append(",\"expired\":").append(c.expired());
    sb.append(",\"types\":{");
    KeyType[] all = KeyType.values();
    for (int i = 0; i < all.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append('"').append(all[i].redisName()).append("\":");
      sb.append(c.types().getOrDefault(all[i], 0L));
    }
    sb.append('}');
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

  private static void line(StringBuilder sb, String label, String value) {
    sb.append(INDENT);
    sb.append(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s", label));
    sb.append(value).append('\n');
  }
}
