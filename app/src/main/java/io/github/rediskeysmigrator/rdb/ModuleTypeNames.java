package io.github.rediskeysmigrator.rdb;

import java.util.Optional;

/**
 * Reads the module type name (e.g. {@code ReJSON-RL}) out of the DUMP payload of a module key: the
 * payload starts with the value type (6 or 7) and the 64-bit module id, whose upper 54 bits are the
 * nine-character name and whose lower 10 bits the encoding version.
 */
public final class ModuleTypeNames {
  private static final String CHARSET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final int LEN_64BIT = 0x81;

  private ModuleTypeNames() {}

  /** The module type name, or empty when the payload is not a module value we can read. */
  public static Optional<String> of(byte[] payload) {
    if (payload == null || payload.length < 10) {
      return Optional.empty();
    }
    int type = payload[0] & 0xff;
    if ((type != RdbTypes.MODULE_PRE_GA && type != RdbTypes.MODULE_2)
        || (payload[1] & 0xff) != LEN_64BIT) {
      return Optional.empty();
    }
    long id = 0;
    for (int i = 2; i < 10; i++) {
      id = (id << 8) | (payload[i] & 0xffL);
    }
    return Optional.of(nameOf(id));
  }

  /** The name encoded in a module id, as Redis' {@code moduleTypeNameByID} decodes it. */
  static String nameOf(long moduleId) {
    char[] name = new char[9];
    long bits = moduleId >>> 10;
    for (int j = 8; j >= 0; j--) {
      name[j] = CHARSET.charAt((int) (bits & 63));
      bits >>>= 6;
    }
    return new String(name);
  }
}
