package io.github.rediskeysmigrator.redis;

import redis.clients.jedis.Connection;

/** Opens a fresh, authenticated connection to one server, on the db its user needs. */
@FunctionalInterface
public interface Reconnector {
  /** A new connection, or ConnectException when the server is still unreachable. */
  Connection connect() throws ConnectException;
}
