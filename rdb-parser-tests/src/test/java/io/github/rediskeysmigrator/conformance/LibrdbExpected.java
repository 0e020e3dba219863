package io.github.rediskeysmigrator.conformance;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Compares the streams a destination holds with redis/librdb's reading of the same RDB file ({@code
 * public/expected-librdb/<file>.json}, written by {@code rdb-cli ... json -i stream-meta}; its
 * README says how): an independent parser, for the RDB 13 files no server here loads. Per key:
 * entries with their fields, length, entries-added, first, last and max-deleted id; per group its
 * last id, entries-read, pending entries (id, delivery time, delivery count) and consumers with the
 * ids each owns. A consumer's seen and active times are not compared: a stream rewritten as plain
 * commands gets the time of its XGROUP CREATECONSUMER (README: Fidelity). librdb's {@code idmp}
 * part is what {@link #keysWithIdmp} counts; a destination older than Redis 8.6 cannot hold it.
 * librdb's RESP for a Redis 7.4 ({@code <file>.resp}) is a second opinion on the rewrite: {@link
 * #replay} sends it to an empty 7.4.1 and {@link #sameStreams} compares that server's streams with
 * ours.
 */
final class LibrdbExpected {
  private static final int MAX_REPORTED = 8;

  private LibrdbExpected() {}

  /** librdb's JSON for {@code f}, or null when the corpus has none. */
  static Path forFile(CorpusFile f) {
    String name = f.file().getFileName().toString().replaceFirst("\\.rdb$", ".json");
    Path p = Corpus.root().resolve("public").resolve("expected-librdb").resolve(name);
    return f.isPublic() && Files.isRegularFile(p) ? p : null;
  }

  /** The keys of librdb's JSON (db 0, the only db of these files), each with its reading. */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> keys(Path expected) throws IOException {
    Object parsed = JsonText.parse(Files.readString(expected, StandardCharsets.UTF_8));
    Map<String, Map<String, Object>> keys = new LinkedHashMap<>();
    for (Object db : (List<Object>) parsed) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) db).entrySet()) {
        if (!e.getKey().equals("__dbsize__")) {
          keys.put(e.getKey(), (Map<String, Object>) e.getValue());
        }
      }
    }
    return keys;
  }

  /** How many keys of librdb's JSON have an {@code idmp} part (producers with ids). */
  static long keysWithIdmp(Path expected) throws IOException {
    return keys(expected).values().stream().filter(k -> k.containsKey("idmp")).count();
  }

  /** What differs between librdb's reading and what {@code dest} (db 0) holds; empty if nothing. */
  @SuppressWarnings("unchecked")
  static List<String> differences(Path expected, Jedis dest) throws IOException {
    List<String> diffs = new ArrayList<>();
    Map<String, Map<String, Object>> keys = keys(expected);
    dest.select(0);
    if (dest.dbSize() != keys.size()) {
      diffs.add("db 0 holds " + dest.dbSize() + " keys, librdb read " + keys.size());
    }
    for (Map.Entry<String, Map<String, Object>> k : keys.entrySet()) {
      if (diffs.size() >= MAX_REPORTED) {
        break;
      }
      String key = k.getKey();
      Map<String, Object> want = k.getValue();
      if (!dest.type(key).equals("stream")) {
        diffs.add(key + ": a " + dest.type(key) + ", librdb read a stream");
        continue;
      }
      Map<String, Object> info =
          map(dest.sendCommand(Protocol.Command.XINFO, "STREAM", key, "FULL"));
      List<String> d = new ArrayList<>();
      same(d, "length", want.get("length"), info.get("length"));
      same(d, "entries-added", want.get("entriesAdded"), info.get("entries-added"));
      same(d, "last id", want.get("lastID"), info.get("last-generated-id"));
      same(d, "max deleted id", want.get("maxDelEntryID"), info.get("max-deleted-entry-id"));
      same(d, "first id", want.get("firstID"), info.get("recorded-first-entry-id"));
      same(d, "entries", entries((List<Object>) want.get("entries")), actualEntries(info));
      same(
          d,
          "groups",
          groups((List<Object>) want.getOrDefault("groups", List.of())),
          actualGroups(info));
      d.forEach(x -> diffs.add(key + ": " + x));
    }
    return diffs.size() > MAX_REPORTED ? diffs.subList(0, MAX_REPORTED) : diffs;
  }

  /**
   * librdb's RESP for {@code f} (its rewrite for a Redis 7.4), or null when the corpus has none.
   */
  static Path respFor(CorpusFile f) {
    Path json = forFile(f);
    if (json == null) {
      return null;
    }
    Path p = json.resolveSibling(json.getFileName().toString().replaceFirst("\\.json$", ".resp"));
    return Files.isRegularFile(p) ? p : null;
  }

  /**
   * Sends librdb's RESP ({@code resp}: the commands it would send to a Redis 7.4) to the empty
   * {@code scratch} server and returns its replies' problems: an error reply, or none at all.
   */
  static List<String> replay(Path resp, RedisServer scratch) throws IOException {
    byte[] commands = Files.readAllBytes(resp);
    try (Socket socket = new Socket("127.0.0.1", scratch.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(commands);
      out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream replies = new ByteArrayOutputStream();
      byte[] end = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
      byte[] buf = new byte[8192];
      while (!endsWith(replies.toByteArray(), end)) {
        int n = in.read(buf);
        if (n < 0) {
          return List.of("the server closed the connection during librdb's commands");
        }
        replies.write(buf, 0, n);
      }
      List<String> problems = new ArrayList<>();
      for (String line : replies.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
        if (line.startsWith("-")) {
          problems.add("librdb's commands got an error: " + line);
        }
      }
      return problems;
    }
  }

  private static boolean endsWith(byte[] b, byte[] end) {
    return b.length >= end.length
        && java.util.Arrays.equals(b, b.length - end.length, b.length, end, 0, end.length);
  }

  /**
   * Every stream of db 0 as text (counters, entries, groups with PEL and consumers, as {@link
   * #differences} compares them), by key.
   */
  static Map<String, String> streams(Jedis j) {
    j.select(0);
    Map<String, String> out = new java.util.TreeMap<>();
    for (String key : j.keys("*")) {
      if (!j.type(key).equals("stream")) {
        out.put(key, j.type(key));
        continue;
      }
      Map<String, Object> info = map(j.sendCommand(Protocol.Command.XINFO, "STREAM", key, "FULL"));
      out.put(
          key,
          "length="
              + text(info.get("length"))
              + " added="
              + text(info.get("entries-added"))
              + " last="
              + text(info.get("last-generated-id"))
              + " max-deleted="
              + text(info.get("max-deleted-entry-id"))
              + " first="
              + text(info.get("recorded-first-entry-id"))
              + " entries="
              + actualEntries(info)
              + " groups="
              + actualGroups(info));
    }
    return out;
  }

  /** A consumer that owns no pending entry, in {@link #streams}' text. */
  private static final java.util.regex.Pattern IDLE_CONSUMER =
      java.util.regex.Pattern.compile(" consumer\\[[^\\] ]+\\]");

  /**
   * What differs between two servers' streams ({@link #streams}); empty when nothing. Consumers
   * that own no pending entry are left out: librdb's RESP (cc8dd3b) sends no XGROUP CREATECONSUMER,
   * so its rewrite drops them, though its JSON lists them (and {@link #differences} checks ours has
   * them).
   */
  static List<String> sameStreams(String whatA, Jedis a, String whatB, Jedis b) {
    Map<String, String> x = new java.util.TreeMap<>();
    Map<String, String> y = new java.util.TreeMap<>();
    streams(a).forEach((k, v) -> x.put(k, IDLE_CONSUMER.matcher(v).replaceAll("")));
    streams(b).forEach((k, v) -> y.put(k, IDLE_CONSUMER.matcher(v).replaceAll("")));
    List<String> diffs = new ArrayList<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(x.keySet());
    keys.addAll(y.keySet());
    for (String k : keys) {
      if (!Objects.equals(x.get(k), y.get(k)) && diffs.size() < MAX_REPORTED) {
        diffs.add(k + ": " + whatA + " " + x.get(k) + ", " + whatB + " " + y.get(k));
      }
    }
    return diffs;
  }

  private static void same(List<String> diffs, String what, Object want, Object got) {
    String w = text(want);
    String g = text(got);
    if (!Objects.equals(w, g)) {
      diffs.add(what + ": librdb read " + w + ", the destination holds " + g);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> entries(List<Object> want) {
    List<String> out = new ArrayList<>();
    for (Object o : want) {
      Map<String, Object> e = (Map<String, Object>) o;
      StringBuilder sb = new StringBuilder(text(e.get("id")));
      ((Map<String, Object>) e.get("items"))
          .forEach((f, v) -> sb.append(' ').append(f).append('=').append(text(v)));
      out.add(sb.toString());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<String> actualEntries(Map<String, Object> info) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<Object>) info.get("entries")) {
      List<Object> e = (List<Object>) o;
      StringBuilder sb = new StringBuilder(text(e.get(0)));
      List<Object> fv = (List<Object>) e.get(1);
      for (int i = 0; i + 1 < fv.size(); i += 2) {
        sb.append(' ').append(text(fv.get(i))).append('=').append(text(fv.get(i + 1)));
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** Groups as text: name, last id, entries-read, PEL and consumers with the ids they own. */
  @SuppressWarnings("unchecked")
  private static List<String> groups(List<Object> want) {
    List<String> out = new ArrayList<>();
    for (Object o : want) {
      Map<String, Object> g = (Map<String, Object>) o;
      StringBuilder sb =
          new StringBuilder(
              text(g.get("name"))
                  + " last="
                  + text(g.get("lastid"))
                  + " read="
                  + entriesRead(g.get("entriesRead")));
      for (Object p : (List<Object>) g.getOrDefault("pending", List.of())) {
        Map<String, Object> pe = (Map<String, Object>) p;
        sb.append(" pel[")
            .append(text(pe.get("id")))
            .append(" at ")
            .append(text(pe.get("sent")))
            .append(" x")
            .append(text(pe.get("count")))
            .append(']');
      }
      for (Object c : (List<Object>) g.getOrDefault("consumers", List.of())) {
        Map<String, Object> co = (Map<String, Object>) c;
        sb.append(" consumer[").append(text(co.get("name")));
        for (Object p : (List<Object>) co.getOrDefault("pending", List.of())) {
          sb.append(' ').append(text(((Map<String, Object>) p).get("id")));
        }
        sb.append(']');
      }
      out.add(sb.toString());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<String> actualGroups(Map<String, Object> info) {
    List<String> out = new ArrayList<>();
    for (Object o : (List<Object>) info.get("groups")) {
      Map<String, Object> g = map(o);
      StringBuilder sb =
          new StringBuilder(
              text(g.get("name"))
                  + " last="
                  + text(g.get("last-delivered-id"))
                  + " read="
                  + text(g.get("entries-read")));
      for (Object p : (List<Object>) g.get("pending")) {
        List<Object> pe = (List<Object>) p; // id, consumer, delivery time, delivery count
        sb.append(" pel[")
            .append(text(pe.get(0)))
            .append(" at ")
            .append(text(pe.get(2)))
            .append(" x")
            .append(text(pe.get(3)))
            .append(']');
      }
      for (Object c : (List<Object>) g.get("consumers")) {
        Map<String, Object> co = map(c);
        sb.append(" consumer[").append(text(co.get("name")));
        for (Object p : (List<Object>) co.get("pending")) {
          sb.append(' ').append(text(((List<Object>) p).get(0)));
        }
        sb.append(']');
      }
      out.add(sb.toString());
    }
    return out;
  }

  /**
   * A group's entries-read as XINFO shows it: librdb prints Redis' "unknown" (-1, written as an
   * unsigned 64-bit length) as 18446744073709551615, XINFO as nil.
   */
  private static String entriesRead(Object librdb) {
    String s = text(librdb);
    return s.equals("18446744073709551615") ? "null" : s;
  }

  /** A RESP reply of alternating names and values as a map. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object reply) {
    List<Object> l = (List<Object>) reply;
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < l.size(); i += 2) {
      m.put(text(l.get(i)), l.get(i + 1));
    }
    return m;
  }

  private static String text(Object o) {
    if (o instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (o instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (o instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(x -> parts.add(text(x)));
      return parts.toString();
    }
    return String.valueOf(o);
  }
}
