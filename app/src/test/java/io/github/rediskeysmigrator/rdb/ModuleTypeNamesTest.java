package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModuleTypeNamesTest {
  private static final String CHARSET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  /** The module id Redis' moduleTypeEncodeId gives {@code name} and {@code encver}. */
  private static long moduleId(String name, int encver) {
    long id = 0;
    for (char c : name.toCharArray()) {
      id = (id << 6) | CHARSET.indexOf(c);
    }
    return (id << 10) | encver;
  }

  private static byte[] payload(int type, long id) {
    byte[] p = new byte[20];
    p[0] = (byte) type;
    p[1] = (byte) 0x81;
    for (int i = 0; i < 8; i++) {
      p[2 + i] = (byte) (id >>> (56 - 8 * i));
    }
    return p;
  }

  @Test
  void decodesTheNineCharacterNameFromTheModuleId() {
    assertEquals(
        Optional.of("ReJSON-RL"), ModuleTypeNames.of(payload(7, moduleId("ReJSON-RL", 3))));
    assertEquals(
        Optional.of("MBbloom--"), ModuleTypeNames.of(payload(6, moduleId("MBbloom--", 0))));
  }

  @Test
  void otherPayloadsHaveNoModuleName() {
    assertEquals(Optional.empty(), ModuleTypeNames.of(payload(0, 42)));
    assertEquals(Optional.empty(), ModuleTypeNames.of(new byte[] {7, (byte) 0x81}));
    assertEquals(Optional.empty(), ModuleTypeNames.of(null));
  }
}
