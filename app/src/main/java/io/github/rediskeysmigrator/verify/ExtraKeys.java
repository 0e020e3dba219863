package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.KeyRenamer;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.sink.CheckpointMarker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Finds the destination's extra keys ({@code --extra-keys}): after the source keys are compared,
 * each destination db that a selected source db maps to is SCANned (every master of a cluster),
 * with {@code --match} (or every key, then matched by its source name, under {@code
 * --rename-prefix}); each key, mapped back to its source name(s), is looked up in the source dbs
 * mapping to it: with pipelined {@code EXISTS} at a live source, or in the {@link KeyFingerprints}
 * of the files. A key none of them holds is an extra key (with {@code --type}, only one of those
 * types). The checkpoint marker of {@code sync --checkpoint} is never one.
 */
public final class ExtraKeys {
  private static final byte[] MATCH = ascii("MATCH");
  private static final byte[] COUNT = ascii("COUNT");
  private static final byte[] START = ascii("0");
  private static final byte[] ALL = ascii("*");

  private final MigrationConfig selection;
  private final SourceIndex source;
  private final KeyFingerprints fingerprints;
  private final List<Integer> liveDbs;
  private final byte[] count;

  private ExtraKeys(
      MigrationConfig selection,
      SourceIndex source,
      KeyFingerprints fingerprints,
      List<Integer> liveDbs,
      int scanCount) {
    this.selection = selection;
    this.source = source;
    this.fingerprints = fingerprints;
    this.liveDbs = liveDbs;
    this.count = ascii(Integer.toString(scanCount));
  }

  /** For RDB files: their key names are fingerprinted as the verification reads them. */
  public static ExtraKeys ofFiles(VerifyConfig config, int scanCount) {
    KeyFingerprints f = new KeyFingerprints();
    return new ExtraKeys(config.selection(), f, f, null, scanCount);
  }

  /**
   * For a live source: its {@code dbs} are asked with EXISTS over {@code conn}, a connection of its
   * own, closed at the end.
   */
  public static ExtraKeys ofLive(
      Connection conn, List<Integer> dbs, VerifyConfig config, int scanCount, String label) {
    return new ExtraKeys(
        config.selection(), new LiveKeyIndex(conn, label), null, List.copyOf(dbs), scanCount);
  }

  /** Takes note of a key read from the source (files only: a live source is asked later). */
  void sourceKey(SourceKey k) {
    if (fingerprints != null
        && (selection.dbs().isEmpty() || selection.dbs().contains(k.sourceDb()))
        && selection.match().matches(k.key())) {
      fingerprints.add(k.sourceDb(), k.key());
    }
  }

  /**
   * Scans the destination and books every extra key in {@code report} and {@code differences}; ends
   * early, after the SCAN page in hand, once {@code stopped} says so.
   *
   * @throws ServerReadException with a message naming the side that failed
   */
  void find(
      DestinationNodes dest,
      DifferenceSink differences,
      VerifyReport report,
      BooleanSupplier stopped)
      throws ServerReadException {
    report.checkingExtraKeys();
    try {
      for (Map.Entry<Integer, List<Integer>> e : destinationDbs().entrySet()) {
        if (dest.db() != e.getKey()) {
          dest.select(e.getKey());
        }
        for (Node node : dest.nodes()) {
          scan(node, e.getKey(), e.getValue(), differences, report, stopped);
        }
      }
    } catch (JedisConnectionException e) {
      throw new ServerReadException("destination: connection lost (" + e.getMessage() + ")", e);
    }
  }

  /** Releases the source connection of a live source. */
  public void close() {
    source.close();
  }

  /** Each destination db in play, with the source dbs that map to it. */
  private Map<Integer, List<Integer>> destinationDbs() {
    Set<Integer> sourceDbs;
    if (liveDbs != null) {
      sourceDbs = Set.copyOf(liveDbs);
    } else if (!selection.dbs().isEmpty()) {
      sourceDbs = selection.dbs();
    } else {
      sourceDbs = fingerprints.dbs();
    }
    Map<Integer, List<Integer>> out = new TreeMap<>();
    sourceDbs.stream()
        .sorted()
        .forEach(
            db -> out.computeIfAbsent(selection.destinationDb(db), d -> new ArrayList<>()).add(db));
    return out;
  }

  @SuppressWarnings("unchecked")
  private void scan(
      Node node,
      int db,
      List<Integer> sourceDbs,
      DifferenceSink differences,
      VerifyReport report,
      BooleanSupplier stopped)
      throws ServerReadException {
    KeyRenamer rename = selection.rename();
    // A renamed key's pattern is its source name's: every key is read and matched by that name.
    byte[] pattern = rename.isEmpty() ? selection.match().bytes() : ALL;
    byte[] cursor = START;
    do {
      Object reply;
      try {
        reply = node.replies().call(Protocol.Command.SCAN, cursor, MATCH, pattern, COUNT, count);
      } catch (JedisDataException e) {
        throw new ServerReadException(
            "the destination " + node.address() + " refused SCAN: " + e.getMessage(), e);
      }
      List<Object> page = (List<Object>) reply;
      cursor = (byte[]) page.get(0);
      List<byte[]> extra = extraOf((List<byte[]>) page.get(1), sourceDbs);
      for (byte[] key : ofSelectedTypes(node, extra)) {
        report.extra();
        differences.difference(
            new Difference(sourceDbs.get(0), db, key, Outcome.EXTRA, details(key, sourceDbs)));
      }
    } while (!Arrays.equals(cursor, START) && !stopped.getAsBoolean());
  }

  /** The keys of {@code keys} that none of {@code sourceDbs} holds under a source name. */
  private List<byte[]> extraOf(List<byte[]> keys, List<Integer> sourceDbs)
      throws ServerReadException {
    List<byte[]> names = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    boolean[] inScope = new boolean[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      byte[] key = keys.get(i);
      if (CheckpointMarker.isMarker(key)) {
        continue;
      }
      for (byte[] name : sourceNames(key)) {
        inScope[i] = true;
        names.add(name);
        owner.add(i);
      }
    }
    boolean[] held = new boolean[keys.size()];
    if (!names.isEmpty()) {
      for (int db : sourceDbs) {
        boolean[] found = source.contains(db, names);
        for (int j = 0; j < found.length; j++) {
          held[owner.get(j)] |= found[j];
        }
      }
    }
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (inScope[i] && !held[i]) {
        out.add(keys.get(i));
      }
    }
    return out;
  }

  /** The source names that map to {@code key} and match --match; empty when it is out of scope. */
  private List<byte[]> sourceNames(byte[] key) {
    if (selection.rename().isEmpty()) {
      return List.of(key);
    }
    List<byte[]> names = new ArrayList<>();
    for (byte[] n : selection.rename().sourceNamesOf(key)) {
      if (selection.match().matches(n)) {
        names.add(n);
      }
    }
    return names;
  }

  /** With --type, the keys of those types only (TYPE, pipelined); a key gone meanwhile is not. */
  private List<byte[]> ofSelectedTypes(Node node, List<byte[]> keys) throws ServerReadException {
    Set<KeyType> types = selection.types();
    if (types.isEmpty() || keys.isEmpty()) {
      return keys;
    }
    ReplyQueue replies = node.replies();
    for (byte[] key : keys) {
      replies.send(Protocol.Command.TYPE, key);
    }
    List<Object> answers = replies.await(replies.ticket());
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (!(answers.get(i) instanceof byte[] name)) {
        throw new ServerReadException(
            "the destination " + node.address() + " refused TYPE: " + answers.get(i), null);
      }
      KeyType t = KeyStateReader.typeOf(name);
      if (t != null && types.contains(t)) {
        out.add(keys.get(i));
      }
    }
    return out;
  }

  private String details(byte[] key, List<Integer> sourceDbs) {
    String where =
        sourceDbs.size() == 1
            ? "db " + sourceDbs.get(0)
            : "dbs " + sourceDbs.stream().map(String::valueOf).collect(Collectors.joining(", "));
    if (selection.rename().isEmpty()) {
      return "only at the destination: the source's " + where + " has no such key";
    }
    String names =
        sourceNames(key).stream()
            .map(n -> "\"" + KeyNames.printable(n) + "\"")
            .collect(Collectors.joining(" or "));
    return "only at the destination: the source's " + where + " has no " + names;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
