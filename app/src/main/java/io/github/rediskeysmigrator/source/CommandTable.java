package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.CommandKeys;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.MovableKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;

/**
 * The source's own command table (the reply of {@code COMMAND}): every command name, so that a
 * parser can be registered for each, and where each command's keys are (first key, last key, step,
 * per subcommand where the server has subcommands) and which data type its ACL categories say it
 * works on.
 */
public final class CommandTable implements CommandKeys {
  private record Spec(int first, int last, int step, KeyType type, boolean movable) {}

  private final Map<String, Spec> specs;

  private CommandTable(Map<String, Spec> specs) {
    this.specs = specs;
  }

  /** Reads the table with {@code COMMAND} over {@code conn}. */
  public static CommandTable query(Connection conn) {
    conn.sendCommand(Protocol.Command.COMMAND);
    List<Object> reply = conn.getObjectMultiBulkReply();
    Map<String, Spec> specs = new HashMap<>();
    for (Object entry : reply) {
      add(specs, (List<?>) entry);
    }
    return new CommandTable(specs);
  }

  @SuppressWarnings("unchecked")
  private static void add(Map<String, Spec> specs, List<?> e) {
    String name = text(e.get(0)).toLowerCase(Locale.ROOT);
    KeyType type = e.size() > 6 ? typeOf((List<Object>) e.get(6)) : null;
    boolean movable = false;
    boolean module = false;
    if (e.get(2) instanceof List<?> flags) {
      for (Object f : flags) {
        movable |= text(f).equalsIgnoreCase("movablekeys");
        module |= text(f).equalsIgnoreCase("module");
      }
    }
    if (type == null && module && num(e.get(3)) > 0) {
      // A module's command on a key (Redis 8's vector sets: VADD, VREM, ...) has no data type
      // category: its keys are module values, as TYPE and --type call them.
      type = KeyType.MODULE;
    }
    specs.put(name, new Spec(num(e.get(3)), num(e.get(4)), num(e.get(5)), type, movable));
    if (e.size() > 9 && e.get(9) instanceof List<?> subs) {
      for (Object sub : subs) {
        add(specs, (List<?>) sub);
      }
    }
  }

  private static KeyType typeOf(List<Object> categories) {
    for (Object c : categories) {
      switch (text(c)) {
        case "@string", "@bitmap", "@hyperloglog" -> {
          return KeyType.STRING;
        }
        case "@list" -> {
          return KeyType.LIST;
        }
        case "@set" -> {
          return KeyType.SET;
        }
        case "@sortedset", "@geo" -> {
          return KeyType.ZSET;
        }
        case "@hash" -> {
          return KeyType.HASH;
        }
        case "@stream" -> {
          return KeyType.STREAM;
        }
        default -> {
          // keyspace, connection, scripting... : not about one type
        }
      }
    }
    return null;
  }

  /** Every command name the source knows (top level), upper case. */
  public Set<String> names() {
    Set<String> names = new java.util.TreeSet<>();
    for (String n : specs.keySet()) {
      if (!n.contains("|")) {
        names.add(n.toUpperCase(Locale.ROOT));
      }
    }
    return names;
  }

  private Spec spec(byte[][] argv) {
    String name = text(argv[0]).toLowerCase(Locale.ROOT);
    if (argv.length > 1) {
      Spec sub = specs.get(name + "|" + text(argv[1]).toLowerCase(Locale.ROOT));
      if (sub != null) {
        return sub;
      }
    }
    return specs.get(name);
  }

  /**
   * The keys of {@code argv}; for a movablekeys command {@link MovableKeys} does not know, those
   * the table's first/last/step name (the routing and filters used them before).
   */
  @Override
  public List<byte[]> keys(byte[][] argv) {
    Spec s = spec(argv);
    if (s == null) {
      return List.of();
    }
    int[] at = s.movable() ? MovableKeys.indexes(argv) : null;
    if (at == null) {
      at = fixed(s, argv);
    }
    List<byte[]> keys = new ArrayList<>(at.length);
    for (int i : at) {
      keys.add(argv[i]);
    }
    return keys;
  }

  /**
   * From the table's first key, last key and step; for commands the table flags {@code movablekeys}
   * (EVAL, ZUNIONSTORE, SORT ... STORE, XREAD ...) from their arguments, with {@link MovableKeys}.
   * Null for a command the source does not know.
   */
  @Override
  public int[] keyIndexes(byte[][] argv) {
    Spec s = spec(argv);
    if (s == null) {
      return null;
    }
    return s.movable() ? MovableKeys.indexes(argv) : fixed(s, argv);
  }

  private static int[] fixed(Spec s, byte[][] argv) {
    if (s.first() <= 0 || s.step() <= 0) {
      return new int[0];
    }
    int last = s.last() < 0 ? argv.length + s.last() : s.last();
    List<Integer> at = new ArrayList<>();
    for (int i = s.first(); i <= last && i < argv.length; i += s.step()) {
      at.add(i);
    }
    return at.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public KeyType type(byte[][] argv) {
    Spec s = spec(argv);
    return s == null ? null : s.type();
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
  }

  private static int num(Object o) {
    return o instanceof Long l ? l.intValue() : 0;
  }
}
