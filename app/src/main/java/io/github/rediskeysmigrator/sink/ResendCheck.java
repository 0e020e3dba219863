package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.rdb.PayloadDigests;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Tells, for a key sent again after a reconnect that then met BUSYKEY (or, rewritten, a RENAMENX
 * that found its key), whether our first send had applied before the connection dropped: if the
 * destination's DUMP holds exactly our value, the key was written (or rewritten), not skipped.
 */
final class ResendCheck {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ResendCheck.class);

  private final ServerInfo server;
  private final WriteListener listener;
  private final Set<KeyEvent> resent = Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<KeyEvent> ambiguous = new ArrayList<>();
  private PayloadDigests digests;

  ResendCheck(ServerInfo server, WriteListener listener) {
    this.server = server;
    this.listener = listener;
  }

  /** {@code event} is being sent again after a reconnect. */
  void sentAgain(KeyEvent event) {
    resent.add(event);
  }

  /** Whether {@code event} was sent again; it is no longer tracked. */
  boolean forget(KeyEvent event) {
    return !resent.isEmpty() && resent.remove(event);
  }

  /** {@code event} met its key at the destination: existed, or to be checked if sent again. */
  void existed(KeyEvent event) {
    if (forget(event)) {
      ambiguous.add(event);
    } else {
      listener.existed(event);
    }
  }

  /** {@code event} was sent again and met its key: checked at the next {@link #resolve}. */
  void ambiguous(KeyEvent event) {
    ambiguous.add(event);
  }

  /**
   * Books every key waiting for the check, with a synchronous DUMP each: only when no reply is
   * outstanding on {@code conn}.
   *
   * @return the db the connection is on afterwards
   */
  int resolve(Connection conn, int currentDb) throws WriteException {
    if (ambiguous.isEmpty()) {
      return currentDb;
    }
    int checked = 0;
    int db = currentDb;
    try {
      for (KeyEvent event : ambiguous) {
        if (event.db() != db) {
          conn.sendCommand(Protocol.Command.SELECT, Replies.ascii(event.db()));
          conn.getStatusCodeReply();
          db = event.db();
        }
        conn.sendCommand(Protocol.Command.DUMP, event.key());
        byte[] dump = conn.getBinaryBulkReply();
        if (sameValue(dump, event.payload())) {
          if (server.restores(event.payloadRdbVersion())) {
            listener.written(event);
          } else {
            listener.rewritten(event);
          }
        } else {
          listener.existed(event);
        }
        checked++;
      }
      return db;
    } catch (JedisConnectionException | JedisDataException e) {
      // Booked all the same, so the totals add up; the run stops for this, so the keys are lost
      // with its cause and do not count towards --max-errors.
      for (KeyEvent event : ambiguous.subList(checked, ambiguous.size())) {
        listener.lost(
            event,
            WriteFailure.of("sent again after a reconnect, then could not be checked: " + e));
      }
      throw new WriteException("cannot check keys sent again after reconnecting: " + e, e);
    } finally {
      ambiguous.clear();
    }
  }

  /**
   * Whether the destination's DUMP holds the value of our payload: the same bytes, the same body
   * under another RDB version footer, or else the same canonical digest. The digest is needed for
   * big sets and hashes, whose DUMP lists members in the order of each server's own hash table.
   */
  private boolean sameValue(byte[] dump, byte[] ours) {
    if (dump == null) {
      return false;
    }
    int footer = 10;
    if (Arrays.equals(dump, ours)
        || (dump.length == ours.length
            && dump.length > footer
            && Arrays.equals(dump, 0, dump.length - footer, ours, 0, ours.length - footer))) {
      return true;
    }
    if (digests == null) {
      digests = new PayloadDigests();
    }
    try {
      return digests.digest(dump).hex().equals(digests.digest(ours).hex());
    } catch (PayloadDigests.UnreadablePayloadException e) {
      // Not provably ours (a module value, say): booked as a key that existed.
      log.debug("cannot compare a key sent again with the destination's value", e);
      return false;
    }
  }
}
