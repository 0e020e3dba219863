package io.github.rediskeysmigrator.sink;

import static io.github.rediskeysmigrator.sink.Argv.bytes;
import static io.github.rediskeysmigrator.sink.Argv.concat;
import static io.github.rediskeysmigrator.sink.Argv.counted;
import static io.github.rediskeysmigrator.sink.Argv.upper;
import static io.github.rediskeysmigrator.sink.Argv.without;

import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.LiveTranslator;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis 8 commands of a live stream, as a destination that lacks them can apply them. Only the
 * forms Redis 8.6.3 propagates to its replicas are translated (it sends HGETEX, HGETDEL and the
 * HEXPIRE family as HPEXPIREAT / HPERSIST / HDEL, HSETEX and MSETEX with PXAT, a conditional DELEX
 * as DEL, XADD IDMP with the entry id it chose, or with {@code *} for a retry it de-duplicated); a
 * condition the source checked before applying a write (SET IFEQ, MSETEX NX, HSETEX FNX) is
 * dropped, since the source propagates the write only when it applied it. What needs several
 * commands becomes one EVAL of them, so it is booked once and stays atomic inside a source MULTI.
 * What cannot keep its meaning is refused with one error line naming the destination.
 */
public final class LiveTranslation implements LiveTranslator {
  private final ServerInfo server;
  private final StreamTranslation streams;

  public LiveTranslation(ServerInfo server) {
    this.server = server;
    this.streams = new StreamTranslation(server);
  }

  @Override
  public Translation translate(byte[][] argv) {
    String name = upper(argv[0]);
    return switch (name) {
      case "XADD" -> streams.xadd(argv);
      case "XTRIM" -> streams.xtrim(argv);
      case "XDELEX" -> server.supportsStreamRefs() ? Translation.apply(argv) : streams.xdelex(argv);
      case "XACKDEL" ->
          server.supportsStreamRefs() ? Translation.apply(argv) : streams.xackdel(argv);
      case "XCFGSET", "XIDMPRECORD" ->
          server.supportsIdmp()
              ? Translation.apply(argv)
              : Translation.refuse(
                  name
                      + " on stream '"
                      + key(argv)
                      + "': "
                      + server
                      + " has no idempotent producers (IDMP, Redis 8.6+); the stream's IDMP"
                      + " state is left out");
      case "VADD", "VREM", "VSETATTR" ->
          server.supportsVectorSets()
              ? Translation.apply(argv)
              : Translation.unsupportedType(
                  "vectorset",
                  name
                      + " on '"
                      + key(argv)
                      + "': "
                      + server
                      + " cannot hold vector sets (a Redis 8.0+ type); not applied");
      case "HSETEX" -> server.supportsHashFieldCommands() ? Translation.apply(argv) : hsetex(argv);
      case "HGETDEL" ->
          server.supportsHashFieldCommands() ? Translation.apply(argv) : hgetdel(argv);
      case "HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT" ->
          server.supportsHashFieldTtl()
              ? Translation.apply(argv)
              : Translation.refuse(fieldTtlsLost(name, argv));
      case "HPERSIST" ->
          server.supportsHashFieldTtl()
              ? Translation.apply(argv)
              : Translation.nothing(server + " has no hash field TTLs to remove");
      case "HGETEX" -> known(argv, server.supportsHashFieldCommands(), "Redis 8.0+, Valkey 9.0+");
      case "DELEX" -> server.supportsDelex() ? Translation.apply(argv) : delex(argv);
      case "SET" -> set(argv);
      case "MSETEX" -> server.supportsMsetex() ? Translation.apply(argv) : msetex(argv);
      case "TRIMSLOTS" ->
          // After a slot moved away (Redis 8.4+ atomic slot migration) the source drops its keys
          // there; at the destination they are the keys the slot's new master now holds.
          Translation.nothing("the source trims slots it no longer owns; their keys moved");
      default -> Translation.apply(argv);
    };
  }

  /**
   * HSETEX key [FNX|FXX] [EX|PX|EXAT|PXAT t|KEEPTTL] FIELDS n field value...: HSET, plus the TTL
   * where the destination keeps field TTLs (Redis 7.4).
   */
  private Translation hsetex(byte[][] argv) {
    int i = 2;
    String unit = null;
    byte[] time = null;
    boolean keepTtl = false;
    while (i < argv.length && !upper(argv[i]).equals("FIELDS")) {
      String w = upper(argv[i]);
      switch (w) {
        case "FNX", "FXX" -> i++;
        case "KEEPTTL" -> {
          keepTtl = true;
          i++;
        }
        case "EX", "PX", "EXAT", "PXAT" -> {
          if (i + 1 >= argv.length) {
            return notKnown(argv, "Redis 8.0+, Valkey 9.0+");
          }
          unit = w;
          time = argv[i + 1];
          i += 2;
        }
        default -> {
          return notKnown(argv, "Redis 8.0+, Valkey 9.0+");
        }
      }
    }
    byte[][] pairs = counted(argv, i, 2, true);
    if (pairs == null) {
      return notKnown(argv, "Redis 8.0+, Valkey 9.0+");
    }
    byte[][] hset = concat(new byte[][] {bytes("HSET"), argv[1]}, pairs);
    if (unit == null && (!keepTtl || !server.supportsHashFieldTtl())) {
      // No TTL to set, or none the destination could hold to keep.
      return Translation.apply(hset);
    }
    if (!server.supportsHashFieldTtl()) {
      return Translation.refuse(fieldTtlsLost("HSETEX", argv));
    }
    if (keepTtl) {
      return Translation.apply(EvalScripts.hsetKeepingTtls(argv[1], pairs));
    }
    byte[][] fields = new byte[pairs.length / 2][];
    for (int f = 0; f < fields.length; f++) {
      fields[f] = pairs[2 * f];
    }
    String expire =
        switch (unit) {
          case "EX" -> "HEXPIRE";
          case "PX" -> "HPEXPIRE";
          case "EXAT" -> "HEXPIREAT";
          default -> "HPEXPIREAT";
        };
    byte[][] ttl =
        concat(
            new byte[][] {
              bytes(expire), argv[1], time, bytes("FIELDS"), bytes(String.valueOf(fields.length))
            },
            fields);
    return Translation.apply(EvalScripts.sequence(List.of(argv[1]), List.of(hset, ttl)));
  }

  /** HGETDEL key FIELDS n field...: HDEL. */
  private Translation hgetdel(byte[][] argv) {
    byte[][] fields = argv.length > 2 ? counted(argv, 2, 1, true) : null;
    if (fields == null) {
      return notKnown(argv, "Redis 8.0+, Valkey 9.0+");
    }
    return Translation.apply(concat(new byte[][] {bytes("HDEL"), argv[1]}, fields));
  }

  /** DELEX key: DEL (a conditional DELEX reaches replicas as DEL already). */
  private Translation delex(byte[][] argv) {
    if (argv.length == 2) {
      return Translation.apply(new byte[][] {bytes("DEL"), argv[1]});
    }
    return notKnown(argv, "Redis 8.4+");
  }

  /** SET key value ... IFEQ|IFNE|IFDEQ|IFDNE v ...: the condition goes where it is unknown. */
  private Translation set(byte[][] argv) {
    List<Integer> drop = new ArrayList<>();
    for (int i = 3; i < argv.length; i++) {
      String w = upper(argv[i]);
      switch (w) {
        case "EX", "PX", "EXAT", "PXAT" -> i++;
        case "IFEQ", "IFNE", "IFDEQ", "IFDNE" -> {
          boolean known = w.equals("IFEQ") ? server.supportsSetIfEq() : server.supportsDelex();
          if (!known) {
            drop.add(i);
            drop.add(i + 1);
          }
          i++;
        }
        default -> {
          // NX, XX, GET, KEEPTTL: no argument
        }
      }
    }
    return Translation.apply(without(argv, drop));
  }

  /**
   * MSETEX numkeys key value... [NX|XX] [EX|PX|EXAT|PXAT t|KEEPTTL]: one key is SET, no expiry is
   * MSET, else one SET per key.
   */
  private Translation msetex(byte[][] argv) {
    byte[][] pairs = argv.length > 1 ? counted(argv, 1, 2, false) : null;
    if (pairs == null) {
      return notKnown(argv, "Redis 8.4+, Valkey 9.1+");
    }
    List<byte[]> expiry = new ArrayList<>();
    for (int i = 2 + pairs.length; i < argv.length; i++) {
      String w = upper(argv[i]);
      switch (w) {
        case "NX", "XX" -> {
          // checked by the source
        }
        case "KEEPTTL" -> expiry.add(argv[i]);
        case "EX", "PX", "EXAT", "PXAT" -> {
          if (i + 1 >= argv.length) {
            return notKnown(argv, "Redis 8.4+, Valkey 9.1+");
          }
          expiry.add(argv[i]);
          expiry.add(argv[++i]);
        }
        default -> {
          return notKnown(argv, "Redis 8.4+, Valkey 9.1+");
        }
      }
    }
    byte[][] tail = expiry.toArray(new byte[0][]);
    if (expiry.isEmpty()) {
      return Translation.apply(concat(new byte[][] {bytes("MSET")}, pairs));
    }
    List<byte[]> keys = new ArrayList<>();
    List<byte[][]> sets = new ArrayList<>();
    for (int p = 0; p < pairs.length; p += 2) {
      keys.add(pairs[p]);
      sets.add(concat(new byte[][] {bytes("SET"), pairs[p], pairs[p + 1]}, tail));
    }
    return Translation.apply(sets.size() == 1 ? sets.get(0) : EvalScripts.sequence(keys, sets));
  }

  private Translation known(byte[][] argv, boolean known, String since) {
    return known ? Translation.apply(argv) : notKnown(argv, since);
  }

  private Translation notKnown(byte[][] argv, String since) {
    return notKnown(server, argv, since);
  }

  /** The refusal of a form {@code server} does not know, which came in after {@code since}. */
  static Translation notKnown(ServerInfo server, byte[][] argv, String since) {
    return Translation.refuse(
        upper(argv[0])
            + " on '"
            + key(argv)
            + "' in this form is not a command of "
            + server
            + " ("
            + since
            + "); not applied");
  }

  private String fieldTtlsLost(String name, byte[][] argv) {
    return name
        + " on '"
        + key(argv)
        + "': hash field TTLs (Redis 7.4+) cannot be kept by the destination ("
        + server
        + "); not applied";
  }

  static String key(byte[][] argv) {
    return argv.length > 1 ? KeyNames.printable(argv[1]) : "";
  }
}
