package io.github.rediskeysmigrator.core;

import java.util.Locale;

/** The Redis data types a key can hold, named as the TYPE command names them. */
public enum KeyType {
  STRING,
  LIST,
  SET,
  ZSET,
  HASH,
  STREAM,
  MODULE;

  /** The name TYPE returns and `--type` accepts. */
  public String redisName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a TYPE-style name.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static KeyType fromRedisName(String name) {
    for (KeyType t : values()) {
      if (t.redisName().equalsIgnoreCase(name.trim())) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown type '" + name + "' (expected string, list, set, zset, hash, stream or module)");
  }
}
