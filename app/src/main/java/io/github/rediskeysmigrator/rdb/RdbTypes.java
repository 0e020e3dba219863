package io.github.rediskeysmigrator.rdb;

import io.github.rediskeysmigrator.core.KeyType;

/** Maps RDB value-type bytes (every encoding of every Redis version) to the type TYPE reports. */
public final class RdbTypes {
  private RdbTypes() {}

  /**
   * The key type for an RDB value type byte.
   *
   * @throws IllegalArgumentException for a byte no Redis version writes
   */
  public static KeyType keyType(int rdbType) {
    return switch (rdbType) {
      case 0 -> KeyType.STRING;
      case 1, 10, 14, 18 -> KeyType.LIST;
      case 2, 11, 20 -> KeyType.SET;
      case 3, 5, 12, 17 -> KeyType.ZSET;
      case 4, 9, 13, 16, 22, 23, 24, 25 -> KeyType.HASH;
      case 6, 7 -> KeyType.MODULE;
      case 15, 19, 21, 26 -> KeyType.STREAM;
      default -> throw new IllegalArgumentException("unknown RDB value type " + rdbType);
    };
  }
}
