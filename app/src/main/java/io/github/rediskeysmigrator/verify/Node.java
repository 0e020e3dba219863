package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.redis.ServerInfo;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;

/**
 * One server that verify reads keys from: its address (as messages name it), its connection's reply
 * queue, and the readers on it.
 */
record Node(String address, ReplyQueue replies, KeyStateReader states, ChunkedDigester chunks) {

  /**
   * The readers on {@code conn}, a connection to a server described by {@code info}.
   *
   * @param role "source" or "destination", for messages
   * @param probeKey the key name to ask MEMORY USAGE about, or null for any (a single node)
   * @param wallClock the local time, to turn a PTTL into an expiry time
   */
  static Node open(
      String role,
      String address,
      Connection conn,
      ServerInfo info,
      byte[] probeKey,
      long bigKeyBytes,
      LongSupplier wallClock) {
    ReplyQueue replies = new ReplyQueue(conn);
    KeyStateReader.Server server = KeyStateReader.Server.asked(role, replies, info, probeKey);
    KeyStateReader states = new KeyStateReader(replies, server, bigKeyBytes, wallClock);
    return new Node(address, replies, states, new ChunkedDigester(replies, role));
  }
}
