package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.ConnectException;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.Tls;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Lists a single-node destination's keys of one source db's selection by their source names (SCAN
 * of the mapped db, each name mapped back through --rename-prefix and matched against --match), so
 * that {@code scan --live} finds the keys deleted at the source while its subscription was down. A
 * cluster destination is not swept: its keys deleted at the source meanwhile stay (docs say so).
 */
public final class DestinationSweep {
  private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PAGE = "1000".getBytes(StandardCharsets.US_ASCII);

  private final RedisUri to;
  private final Tls tls;
  private final int timeoutMillis;
  private final MigrationConfig config;
  private final Consumer<String> notes;

  /**
   * @param config the run's selection, db mapping and renaming
   * @param notes where the note on a cluster destination goes
   */
  public DestinationSweep(
      RedisUri to, Tls tls, int timeoutMillis, MigrationConfig config, Consumer<String> notes) {
    this.to = to;
    this.tls = tls;
    this.timeoutMillis = timeoutMillis;
    this.config = config;
    this.notes = notes;
  }

  /** Hands the source name of every destination key of {@code sourceDb}'s selection on. */
  public void forEachKey(int sourceDb, Consumer<byte[]> each) throws ConnectException {
    try (Connection d = RedisConnector.connect(to, 0, "destination", tls, timeoutMillis)) {
      if (ClusterSlots.isCluster(d)) {
        notes.accept(
            "note: the destination is a cluster: keys deleted at the source while the"
                + " subscription was down are not looked for there");
        return;
      }
      int db = config.destinationDb(sourceDb);
      d.sendCommand(Protocol.Command.SELECT, Integer.toString(db));
      String ok = d.getStatusCodeReply();
      if (!"OK".equals(ok)) {
        throw new JedisDataException("destination SELECT " + db + " answered " + ok);
      }
      byte[] cursor = "0".getBytes(StandardCharsets.US_ASCII);
      do {
        d.sendCommand(Protocol.Command.SCAN, cursor, COUNT, PAGE);
        @SuppressWarnings("unchecked")
        List<Object> reply = (List<Object>) d.getOne();
        cursor = (byte[]) reply.get(0);
        @SuppressWarnings("unchecked")
        List<byte[]> keys = (List<byte[]>) reply.get(1);
        for (byte[] key : keys) {
          for (byte[] name : config.rename().sourceNamesOf(key)) {
            if (config.match().matches(name)) {
              each.accept(name);
            }
          }
        }
      } while (!(cursor.length == 1 && cursor[0] == '0'));
    }
  }
}
