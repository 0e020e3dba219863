package io.github.rediskeysmigrator.sink;

import static io.github.rediskeysmigrator.sink.Argv.bytes;
import static io.github.rediskeysmigrator.sink.Argv.concat;
import static io.github.rediskeysmigrator.sink.Argv.number;
import static io.github.rediskeysmigrator.sink.Argv.upper;
import static io.github.rediskeysmigrator.sink.Argv.without;

import io.github.rediskeysmigrator.core.LiveTranslator.Translation;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The stream commands of {@link LiveTranslation}: XADD with IDMP or a reference option, XTRIM,
 * XDELEX and XACKDEL, as a destination without idempotent producers (Redis 8.6) or without KEEPREF
 * / DELREF / ACKED (Redis 8.2) can apply them.
 */
final class StreamTranslation {
  private final ServerInfo server;

  StreamTranslation(ServerInfo server) {
    this.server = server;
  }

  /**
   * XADD IDMP: the source propagates the id it chose, a form no client may send (IDMP takes only
   * {@code *}), so the IDMP arguments go, and where the destination has XIDMPRECORD the idempotent
   * id is recorded with it; a retry the source de-duplicated comes as {@code *} and adds nothing.
   * KEEPREF / DELREF / ACKED go where they are unknown and change nothing.
   */
  Translation xadd(byte[][] argv) {
    List<Integer> drop = new ArrayList<>();
    boolean trims = false;
    String ref = null;
    int refAt = -1;
    boolean idmp = false;
    int idmpAt = -1;
    int i = 2;
    while (i < argv.length) {
      String w = upper(argv[i]);
      if (w.equals("NOMKSTREAM")) {
        i++;
      } else if (isRef(w)) {
        ref = w;
        refAt = i++;
      } else if (w.equals("IDMP") || w.equals("IDMPAUTO")) {
        idmp = true;
        int n = w.equals("IDMP") ? 3 : 2;
        if (n == 3) {
          idmpAt = i;
        }
        for (int k = 0; k < n; k++) {
          drop.add(i + k);
        }
        i += n;
      } else if (w.equals("MAXLEN") || w.equals("MINID")) {
        trims = true;
        i++;
        if (i < argv.length && (upper(argv[i]).equals("=") || upper(argv[i]).equals("~"))) {
          i++;
        }
        i++;
        if (i < argv.length && upper(argv[i]).equals("LIMIT")) {
          i += 2;
        }
      } else {
        break;
      }
    }
    if (!idmp || i >= argv.length) {
      Translation refs = refOption(argv, ref, refAt, trims, drop);
      return refs != null ? refs : Translation.apply(without(argv, drop));
    }
    if (upper(argv[i]).equals("*")) {
      return Translation.nothing(
          "a retry the source de-duplicated with IDMP: it added no entry there either");
    }
    Translation refs = refOption(argv, ref, refAt, trims, drop);
    if (refs != null) {
      return refs;
    }
    byte[][] add = without(argv, drop);
    if (idmpAt < 0 || !server.supportsIdmpRecord()) {
      // IDMPAUTO's id is a digest of the entry the source computed; no command records it.
      return Translation.apply(add);
    }
    byte[][] record = {bytes("XIDMPRECORD"), argv[1], argv[idmpAt + 1], argv[idmpAt + 2], argv[i]};
    return Translation.apply(EvalScripts.sequence(List.of(argv[1]), List.of(add, record)));
  }

  /** XTRIM key MAXLEN|MINID ... [KEEPREF|DELREF|ACKED]. */
  Translation xtrim(byte[][] argv) {
    for (int i = 3; i < argv.length; i++) {
      String w = upper(argv[i]);
      if (isRef(w)) {
        List<Integer> drop = new ArrayList<>();
        Translation refs = refOption(argv, w, i, true, drop);
        return refs != null ? refs : Translation.apply(without(argv, drop));
      }
    }
    return Translation.apply(argv);
  }

  /**
   * For a destination without KEEPREF / DELREF / ACKED (Redis 8.2): KEEPREF is what it always does,
   * and any of them is moot without trimming; null when the option can go (added to {@code drop}),
   * else the refusal.
   */
  private Translation refOption(
      byte[][] argv, String ref, int refAt, boolean trims, List<Integer> drop) {
    if (ref == null || server.supportsStreamRefs()) {
      return null;
    }
    if (trims && !ref.equals("KEEPREF")) {
      return Translation.refuse(
          upper(argv[0])
              + " "
              + ref
              + " on stream '"
              + LiveTranslation.key(argv)
              + "': "
              + server
              + " trims without touching the consumer groups' pending entries (Redis 8.2+"
              + " option); not applied");
    }
    drop.add(refAt);
    return null;
  }

  /** XDELEX key [KEEPREF|DELREF|ACKED] IDS n id...: KEEPREF is XDEL. */
  Translation xdelex(byte[][] argv) {
    byte[][] ids = argv.length < 5 ? null : keepRefIds(argv, 2);
    if (ids == null) {
      return LiveTranslation.notKnown(server, argv, "Redis 8.2+");
    }
    return Translation.apply(concat(new byte[][] {bytes("XDEL"), argv[1]}, ids));
  }

  /** XACKDEL key group [KEEPREF|DELREF|ACKED] IDS n id...: KEEPREF is XACK then XDEL. */
  Translation xackdel(byte[][] argv) {
    byte[][] ids = argv.length < 6 ? null : keepRefIds(argv, 3);
    if (ids == null) {
      return LiveTranslation.notKnown(server, argv, "Redis 8.2+");
    }
    return Translation.apply(
        EvalScripts.sequence(
            List.of(argv[1]),
            List.of(
                concat(new byte[][] {bytes("XACK"), argv[1], argv[2]}, ids),
                concat(new byte[][] {bytes("XDEL"), argv[1]}, ids))));
  }

  /**
   * The ids of an XDELEX or XACKDEL whose reference option, at {@code at}, is KEEPREF or absent;
   * null for another option or form.
   */
  private static byte[][] keepRefIds(byte[][] argv, int at) {
    String ref = isRef(upper(argv[at])) ? upper(argv[at++]) : "KEEPREF";
    return ref.equals("KEEPREF") ? ids(argv, at) : null;
  }

  /** The ids after {@code IDS numids} at {@code at}, or null when the form is not that. */
  private static byte[][] ids(byte[][] argv, int at) {
    if (at + 1 >= argv.length || !upper(argv[at]).equals("IDS")) {
      return null;
    }
    long n = number(argv[at + 1]);
    if (n <= 0 || at + 2 + n != argv.length) {
      return null;
    }
    return Arrays.copyOfRange(argv, at + 2, argv.length);
  }

  private static boolean isRef(String w) {
    return w.equals("KEEPREF") || w.equals("DELREF") || w.equals("ACKED");
  }
}
