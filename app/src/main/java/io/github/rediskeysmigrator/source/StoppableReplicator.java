package io.github.rediskeysmigrator.source;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisSocketReplicator;
import java.io.IOException;
import java.net.Socket;

/**
 * Redis Replicator's replica connection, with two fixes.
 *
 * <ul>
 *   <li>A stop that takes effect at once. Its own {@code close()} only raises a flag that the
 *       stream loop looks at after the next command arrives, and a quiet source sends one only
 *       every ten seconds (the replication PING); closing the socket as well ends the blocked read
 *       now. The flag is raised first, so the retry logic does not reconnect.
 *   <li>A refused PSYNC ends the run. Replicator 3.11.0 answers any PSYNC reply it does not know
 *       (such as {@code -NOPERM} from an ACL without {@code +psync}) by sending SYNC, fails on its
 *       error reply with an IOException, and retries that for ever (upstream: {@code
 *       RedisSocketReplicator.trySync}). An error reply is thrown here as {@link Refused}, which
 *       the retry loop does not catch.
 * </ul>
 */
final class StoppableReplicator extends RedisSocketReplicator {

  StoppableReplicator(String host, int port, Configuration configuration) {
    super(host, port, configuration);
  }

  /** The source answered PSYNC with an error: retrying cannot help. */
  static final class Refused extends RuntimeException {
    Refused(String reply) {
      super(reply);
    }
  }

  @Override
  protected SyncMode trySync(String reply) throws IOException {
    if (reply.startsWith("NOPERM") || reply.startsWith("ERR") || reply.startsWith("WRONGPASS")) {
      throw new Refused(reply);
    }
    return super.trySync(reply);
  }

  /** Stops the stream now; {@code open()} returns shortly after. */
  void stopNow() throws IOException {
    close();
    Socket s = socket;
    if (s != null) {
      s.close();
    }
  }
}
