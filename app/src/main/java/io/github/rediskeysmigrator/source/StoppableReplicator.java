package io.github.rediskeysmigrator.source;

import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.RedisSocketReplicator;
import java.io.IOException;
import java.net.Socket;

/**
 * Redis Replicator's replica connection, with a stop that takes effect at once. Its own {@code
 * close()} only raises a flag that the stream loop looks at after the next command arrives, and a
 * quiet source sends one only every ten seconds (the replication PING); closing the socket as well
 * ends the blocked read now. The flag is raised first, so the retry logic does not reconnect.
 */
final class StoppableReplicator extends RedisSocketReplicator {

  StoppableReplicator(String host, int port, Configuration configuration) {
    super(host, port, configuration);
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
