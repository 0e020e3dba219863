package io.github.rediskeysmigrator.testing;

import java.nio.charset.StandardCharsets;
import redis.clients.jedis.Jedis;

/** Sends commands Jedis has no method for (Redis 8 and Valkey 9's new ones) with text arguments. */
public final class Commands {
  private Commands() {}

  /** Sends {@code name args...} over {@code j} and returns the raw reply. */
  public static Object command(Jedis j, String name, String... args) {
    return j.sendCommand(() -> name.getBytes(StandardCharsets.US_ASCII), Bytes.argv(args));
  }
}
