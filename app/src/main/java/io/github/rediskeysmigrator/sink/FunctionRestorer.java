package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.FunctionListener;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.rdb.FunctionLibraryNames;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Restores function libraries on one connection: FUNCTION RESTORE with the dumped payload, or, when
 * the destination cannot read the payload's RDB version, FUNCTION LOAD of its code.
 */
final class FunctionRestorer {
  private static final byte[] LOAD = "LOAD".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RESTORE = "RESTORE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);

  private final ServerInfo server;
  private final boolean replace;

  FunctionRestorer(ServerInfo server, boolean replace) {
    this.server = server;
    this.replace = replace;
  }

  /** Restores each library in order, one round trip each, booking each with {@code listener}. */
  void restore(Connection conn, List<byte[]> libraries, FunctionListener listener)
      throws WriteException {
    for (int i = 0; i < libraries.size(); i++) {
      byte[] payload = libraries.get(i);
      try {
        if (server.restores(KeyEvent.rdbVersionOf(payload))) {
          restoreOne(conn, i, payload, listener);
        } else {
          loadOne(conn, i, payload, listener);
        }
      } catch (JedisConnectionException e) {
        throw new WriteException("connection lost (" + e.getMessage() + ")", e);
      } catch (JedisDataException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("already exists")) {
          listener.existed(i, m);
        } else {
          listener.failed(i, m);
        }
      }
    }
  }

  private void restoreOne(Connection conn, int i, byte[] payload, FunctionListener listener) {
    if (replace) {
      conn.sendCommand(Protocol.Command.FUNCTION, RESTORE, payload, REPLACE);
    } else {
      conn.sendCommand(Protocol.Command.FUNCTION, RESTORE, payload);
    }
    String reply = conn.getStatusCodeReply();
    if ("OK".equals(reply)) {
      listener.restored(i);
    } else {
      listener.failed(i, "unexpected reply to FUNCTION RESTORE: " + reply);
    }
  }

  /** Too new to RESTORE: the library is loaded from its code instead. */
  private void loadOne(Connection conn, int i, byte[] payload, FunctionListener listener) {
    if (!server.supportsExpireTime()) {
      listener.failed(i, "the destination (" + server + ") has no functions (Redis 7.0+)");
      return;
    }
    Optional<byte[]> code = FunctionLibraryNames.code(payload);
    if (code.isEmpty()) {
      listener.failed(i, "cannot read the library's code from its FUNCTION DUMP payload");
      return;
    }
    if (replace) {
      conn.sendCommand(Protocol.Command.FUNCTION, LOAD, REPLACE, code.get());
    } else {
      conn.sendCommand(Protocol.Command.FUNCTION, LOAD, code.get());
    }
    Object reply = conn.getOne();
    if (reply instanceof JedisDataException e) {
      throw e;
    }
    if (reply instanceof byte[]) {
      listener.restored(i);
    } else {
      listener.failed(i, "unexpected reply to FUNCTION LOAD: " + Replies.describe(reply));
    }
  }
}
