package io.github.rediskeysmigrator.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recovers the keys sync would lose to a TTL race: a destination that lags behind expires a key the
 * source renewed in time, and the renewal (an EXPIRE, PERSIST, GETEX or HEXPIRE command) then finds
 * nothing there. The writer tells of such a reply ({@link WriteListener#keyMissing}); the key is
 * read again from the source together with the source's replication offset ({@link KeyRefetch}),
 * written anew (a DEL, then its value), and the stream's commands on that key up to that offset are
 * left out, since the value read already holds their effect. Safe from several threads: the writer
 * may book replies on its own.
 */
final class TtlRaces implements AutoCloseable {
  private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);

  /** A key of a source db. */
  private record Name(int db, ByteBuffer key) {
    static Name of(int db, byte[] key) {
      return new Name(db, ByteBuffer.wrap(key));
    }

    byte[] bytes() {
      return key.array();
    }
  }

  private final KeyRefetch refetch;
  private final KeyRenamer rename;
  private final MigrationReport report;

  // Keys the destination answered as missing (by destination name), waiting to be read again, in
  // the order reported: the source names that --rename-prefix turns into it.
  private final Map<Name, List<Name>> missed = new LinkedHashMap<>();

  // Keys read again, with the offset of the read: the stream's commands on them up to it are left
  // out. In the order read, so the offsets grow: the head goes once the stream passes it.
  private final Map<Name, Long> readAt = new LinkedHashMap<>();
  private String replId;

  // A source MULTI ... EXEC is open in the stream: a key written anew now would land inside it.
  private boolean inSourceTransaction;

  /**
   * @param refetch reads a key again from the source; null when the source cannot (the races are
   *     then neither detected nor recovered)
   * @param rename --rename-prefix, which the writer's commands went through
   */
  TtlRaces(KeyRefetch refetch, KeyRenamer rename, MigrationReport report) {
    this.refetch = refetch;
    this.rename = rename;
    this.report = report;
  }

  /**
   * The destination answered {@code sent} (a command that reads or changes a TTL, as the writer
   * sent it: renamed, in the destination db) as if its key were missing.
   */
  synchronized void missed(CommandEvent sent) {
    if (refetch == null || sent.argv().length < 2) {
      return;
    }
    byte[] key = sent.argv()[1];
    List<Name> names = new ArrayList<>();
    for (byte[] name : rename.isEmpty() ? List.of(key) : rename.sourceNamesOf(key)) {
      Name n = Name.of(sent.sourceDb(), name);
      Long read = readAt.get(n);
      if (read != null && read >= sent.offset()) {
        // Sent before the key was written anew: the value read already covers it.
        return;
      }
      names.add(n);
    }
    if (!names.isEmpty()) {
      missed.putIfAbsent(Name.of(sent.sourceDb(), key), names);
    }
  }

  /** Whether a key waits to be read again, and may be now (no source transaction is open). */
  synchronized boolean pending() {
    return !missed.isEmpty() && !inSourceTransaction;
  }

  /**
   * Notes {@code command} of the stream: MULTI opens a source transaction, EXEC and DISCARD close
   * it.
   */
  synchronized void note(CommandEvent command) {
    if (refetch == null) {
      return;
    }
    byte[] name = command.argv()[0];
    if (is(name, "MULTI")) {
      inSourceTransaction = true;
    } else if (is(name, "EXEC") || is(name, "DISCARD")) {
      inSourceTransaction = false;
    }
  }

  private static boolean is(byte[] name, String command) {
    return name.length == command.length()
        && new String(name, StandardCharsets.US_ASCII).equalsIgnoreCase(command);
  }

  /**
   * Reads the missed keys again; for each, what to write in its source db under its source name: a
   * DEL (the key may exist again at the destination, recreated by a later command), then its value
   * unless the source no longer holds it.
   */
  List<SourceEvent> recover() throws SourceException {
    List<List<Name>> keys;
    synchronized (this) {
      keys = new ArrayList<>(missed.values());
      missed.clear();
    }
    List<SourceEvent> out = new ArrayList<>();
    for (List<Name> names : keys) {
      // With --rename-prefix, several source names may lead to the destination's key: the one the
      // source holds is the one (when it holds several, they collide there anyway: the first).
      Name chosen = names.get(0);
      KeyEvent value = null;
      for (Name name : names) {
        KeyRefetch.Read read = refetch.read(name.db(), name.bytes());
        synchronized (this) {
          readAt.remove(name);
          readAt.put(name, read.offset());
        }
        if (!read.event().isGone()) {
          chosen = name;
          value = read.event();
          break;
        }
      }
      report.ttlRaceRecovered.incrementAndGet();
      if (value == null) {
        out.add(
            new CommandEvent(chosen.db(), new byte[][] {DEL, chosen.bytes()}, "", 0, chosen.db()));
      } else {
        out.add(CommandEvent.clearing(chosen.db(), DEL, chosen.bytes()));
        out.add(value);
      }
    }
    return out;
  }

  /**
   * Whether {@code command}, read from the stream with source keys {@code keys}, is already in the
   * values read again: every key it touches was read at an offset at or past its own.
   */
  synchronized boolean superseded(CommandEvent command, List<byte[]> keys) {
    if (readAt.isEmpty() || command.offset() <= 0 || keys.isEmpty()) {
      // Our own commands (a recovered key's DEL) have no offset.
      return false;
    }
    if (!command.replId().equals(replId)) {
      // Another stream (a full resync): its offsets do not compare with the reads'.
      if (replId != null) {
        readAt.clear();
      }
      replId = command.replId();
    }
    Iterator<Long> head = readAt.values().iterator();
    while (head.hasNext()) {
      if (head.next() >= command.offset()) {
        break;
      }
      // The stream is past this read: nothing older than it comes any more.
      head.remove();
    }
    for (byte[] key : keys) {
      Long read = readAt.get(Name.of(command.sourceDb(), key));
      if (read == null || read < command.offset()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    if (refetch != null) {
      refetch.close();
    }
  }
}
