package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.Json;
import io.github.rediskeysmigrator.core.KeyNames;

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
    StringBuilder sb = new StringBuilder("{\"db\":").append(sourceDb);
    sb.append(",\"destination_db\":").append(db).append(",\"key\":");
    Json.quote(sb, KeyNames.printable(key));
    sb.append(",\"outcome\":");
    Json.quote(sb, outcome.jsonName());
    sb.append(",\"details\":");
    Json.quote(sb, details);
    return sb.append('}').toString();
  }

  /** The line printed on stdout for the first differences. */
  public String display() {
    String where = sourceDb == db ? "db " + db : "db " + sourceDb + "->" + db;
    return where + " \"" + KeyNames.printable(key) + "\": " + outcome.label() + ": " + details;
  }
}
