package io.github.rediskeysmigrator.verify;

import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Asks a live source with one pipelined {@code EXISTS} per name, a batch per round trip. */
final class LiveKeyIndex implements SourceIndex {
  private final ReplyQueue replies;
  private final String label;
  private int db = -1;

  /**
   * @param conn a connection of its own to the source, closed by {@link #close}
   * @param label the source as messages name it (no password)
   */
  LiveKeyIndex(Connection conn, String label) {
    this.replies = new ReplyQueue(conn);
    this.label = label;
  }

  @Override
  public boolean[] contains(int wanted, List<byte[]> names) throws ServerReadException {
    try {
      if (wanted != db) {
        replies.call(Protocol.Command.SELECT, ascii(wanted));
        db = wanted;
      }
      for (byte[] name : names) {
        replies.send(Protocol.Command.EXISTS, name);
      }
      List<Object> answers = replies.await(replies.ticket());
      boolean[] out = new boolean[names.size()];
      for (int i = 0; i < out.length; i++) {
        Object a = answers.get(i);
        if (!(a instanceof Long n)) {
          throw new ServerReadException(
              "source " + label + ": unexpected reply to EXISTS: " + describe(a), null);
        }
        out[i] = n > 0;
      }
      return out;
    } catch (JedisDataException e) {
      throw new ServerReadException(
          "source " + label + ": refused SELECT " + wanted + " (" + e.getMessage() + ")", e);
    } catch (JedisConnectionException e) {
      throw new ServerReadException(
          "source " + label + ": connection lost (" + e.getMessage() + ")", e);
    }
  }

  private static String describe(Object reply) {
    return reply instanceof JedisDataException e ? e.getMessage() : String.valueOf(reply);
  }

  @Override
  public void close() {
    try {
      replies.close();
    } catch (JedisConnectionException e) {
      // Every reply was read, or the run already ends on this connection's failure.
      org.slf4j.LoggerFactory.getLogger(LiveKeyIndex.class)
          .debug("closing the source connection failed", e);
    }
  }

  private static byte[] ascii(int n) {
    return Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
  }
}
