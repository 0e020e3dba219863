package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.core.KeyNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One key that differs between source and destination.
 *
 * @param sourceDb the db the key was read from
 * @param db the destination db it was compared in
 * @param key the key's bytes
 * @param outcome what differs
 * @param details a human explanation (sizes, expiry times)
 */
public record Difference(int sourceDb, int db, byte[] key, Outcome outcome, String details) {

  /** One line of the diff file: a JSON object. */
  public String toJsonLine() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("db", sourceDb);
    f.put("destination_db", db);
    f.put("key", KeyNames.printable(key));
    f.put("outcome", outcome.jsonName());
    f.put("details", details);
    return JsonText.write(f);
  }

  /** The line printed on stdout for the first differences. */
  public String display() {
    String where = sourceDb == db ? "db " + db : "db " + sourceDb + "->" + db;
    return where + " \"" + KeyNames.printable(key) + "\": " + outcome.label() + ": " + details;
  }
}
