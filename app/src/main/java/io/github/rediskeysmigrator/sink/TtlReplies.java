package io.github.rediskeysmigrator.sink;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tells from the destination's reply to a live command that reads or changes a TTL whether the
 * destination lacked the key the source had: the trace of a TTL race (the destination, lagging
 * behind, expired a key the source renewed in time).
 *
 * <p>The source propagates such a command only when it changed the key there (an EXPIRE with NX,
 * XX, GT or LT whose condition failed, or a PERSIST of a key without TTL, changes nothing and is
 * not propagated), so a reply that says "nothing changed" means the destination's key differs from
 * the source's: missing, or with another TTL. Either way the key is worth reading again, so the
 * ambiguous 0 of the conditional forms and of PERSIST counts as a miss too.
 */
final class TtlReplies {
  private static final Set<String> EXPIRE =
      Set.of("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST");
  private static final Set<String> HASH_FIELDS =
      Set.of("HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT", "HPERSIST");

  private TtlReplies() {}

  /** Whether {@code reply} to {@code argv} says the destination did not hold the source's key. */
  static boolean missedKey(byte[][] argv, Object reply) {
    if (argv.length < 2 || argv[0].length < 5 || argv[0].length > 10) {
      // Most commands end here, without a name made for them: this runs for every reply.
      return false;
    }
    String name = new String(argv[0], StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    if (EXPIRE.contains(name)) {
      return reply instanceof Long n && n == 0;
    }
    if (name.equals("GETEX")) {
      return reply == null;
    }
    if (HASH_FIELDS.contains(name) && reply instanceof List<?> perField) {
      // Per field: 1 set (or removed), 2 deleted (a time in the past); -2 no such field or key,
      // 0 a condition not met, -1 (HPERSIST) no TTL to remove.
      for (Object r : perField) {
        if (r instanceof Long n && n != 1 && n != 2) {
          return true;
        }
      }
    }
    return false;
  }
}
